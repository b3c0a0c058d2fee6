package tmdb.ingestion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.config.ConfigurationException;
import tmdb.ingestion.deadletter.DeadLetterExport;
import tmdb.ingestion.support.DeadLetterSamples.Sample;
import tmdb.ingestion.support.DeadLetterSamples;
import tmdb.ingestion.support.TestBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The dead-letter export against whatever is on the topic: headers are written by anyone who may write to it, so
 * they choose nothing outside {@code --out}; and an export never replaces an earlier one's files.
 */
class DeadLetterExportIT {

    @TempDir
    Path dir;

    private final String topic = "export-" + System.nanoTime() + ".dlq";

    private DeadLetterExport export() {
        return DeadLetterExport.configured(Map.of("out", dir.resolve("out").toString(), "group", topic + "-export",
                "kafka.bootstrap-servers", TestBroker.bootstrapServers(), "ingestion.dead-letter.topic", topic));
    }

    @Test
    void deadLettersOfFoldersTheApplicationDoesNotWatchGoUnderUnknownAndNothingIsWrittenOutsideOut()
            throws Exception {
        DeadLetterSamples.createTopic(TestBroker.bootstrapServers(), Map.of(), topic);
        DeadLetterSamples.write(TestBroker.bootstrapServers(), Map.of(), topic, List.of(
                new Sample("movie", "old", "{\"movie_id\": 1, broken"),
                new Sample(dir.resolve("escaped").toString(), "new", "absolute type"),
                new Sample("../../..", "escaped", "climbing type"),
                new Sample("movie", "../../escaped", "climbing label"),
                new Sample("collection", "new", "a type nobody watches")));

        DeadLetterExport.Result result = export().export();

        Path out = dir.resolve("out");
        assertThat(result.unknown()).isEqualTo(4);
        assertThat(result.files()).hasSize(2).allSatisfy((file, lines) -> assertThat(file).startsWith(out));
        assertThat(lines(out.resolve("movie/old"))).containsExactly("{\"movie_id\": 1, broken");
        assertThat(lines(out.resolve(DeadLetterExport.UNKNOWN_FOLDER))).containsExactly("absolute type",
                "climbing type", "climbing label", "a type nobody watches");
        try (Stream<Path> everything = Files.walk(dir)) {
            assertThat(everything.filter(Files::isRegularFile)).as("every file written").allMatch(file ->
                    file.startsWith(out));
        }
    }

    @Test
    void exportsInQuickSuccessionNeverReplaceEachOthersFiles() throws Exception {
        DeadLetterSamples.createTopic(TestBroker.bootstrapServers(), Map.of(), topic);
        DeadLetterSamples.write(TestBroker.bootstrapServers(), Map.of(), topic,
                List.of(new Sample("movie", "new", "first")));
        DeadLetterExport.Result first = export().export();
        DeadLetterSamples.write(TestBroker.bootstrapServers(), Map.of(), topic,
                List.of(new Sample("movie", "new", "second")));
        DeadLetterExport.Result second = export().export();

        assertThat(first.files().keySet()).doesNotContainAnyElementsOf(second.files().keySet());
        assertThat(lines(dir.resolve("out/movie/new"))).containsExactlyInAnyOrder("first", "second");
    }

    @Test
    void anOptionThatIsNeitherTheExportsNorAPropertyIsRefused() {
        assertThatThrownBy(() -> DeadLetterExport.configured(Map.of("out", "x", "bootstrap", "host:9092")))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("Unknown option --bootstrap");
    }

    /** The lines of every export file in the folder, oldest file first. */
    private static List<String> lines(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.toString().endsWith(".jsonl")).sorted().flatMap(file -> {
                try {
                    return Files.readAllLines(file).stream();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
