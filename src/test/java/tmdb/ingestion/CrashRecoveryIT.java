package tmdb.ingestion;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.datagen.TmdbDataGenerator;
import tmdb.ingestion.support.ApplicationProcess;
import tmdb.ingestion.support.TestBroker;
import tmdb.ingestion.support.TopicReader;

import static org.assertj.core.api.Assertions.assertThat;
import static tmdb.ingestion.support.TopicReader.header;

/**
 * The application stopped abruptly or by SIGTERM in the middle of a run loses nothing: a file leaves its folder
 * only once all its records are acknowledged, so a restart reads again what was not (at-least-once).
 */
class CrashRecoveryIT {

    private static final List<String> TYPES = TmdbDataGenerator.TYPES;

    @TempDir
    Path dir;

    private final String prefix = "crash-" + System.nanoTime();

    private List<String> topics() {
        return TYPES.stream().map(type -> prefix + "." + type).toList();
    }

    private ApplicationProcess start(String log) throws Exception {
        List<String> args = new ArrayList<>(List.of("--kafka.bootstrap-servers=" + TestBroker.bootstrapServers(),
                "--ingestion.data-dir=" + dir.resolve("data"), "--ingestion.mode=once",
                "--ingestion.poll.min-file-age-ms=0"));
        for (String type : TYPES) {
            args.add("--ingestion.type." + type + ".topic=" + prefix + "." + type);
        }
        return ApplicationProcess.start(dir.resolve(log), Map.of(), args.toArray(String[]::new));
    }

    /** Every "file:line" of the data set, wherever the file is now (in place or in .done/). */
    private Set<String> allLines() throws Exception {
        Set<String> lines = new HashSet<>();
        Path data = dir.resolve("data");
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                String name = data.relativize(file).toString().replace("/.done/", "/");
                long count = Files.lines(file).count();
                for (long line = 1; line <= count; line++) {
                    lines.add(name + ":" + line);
                }
            }
        }
        return lines;
    }

    private static Set<String> delivered(List<ConsumerRecord<String, byte[]>> records) {
        Set<String> lines = new HashSet<>();
        records.forEach(record -> lines.add(header(record, "source_file") + ":" + header(record, "source_line")));
        return lines;
    }

    private void assertFilesInDoneAreFullyDelivered() throws Exception {
        Set<String> delivered = delivered(TopicReader.read(TestBroker.bootstrapServers(), topics(), Integer.MAX_VALUE,
                Duration.ofSeconds(5)));
        Path data = dir.resolve("data");
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.filter(p -> p.getParent().getFileName().toString().equals(".done")).toList()) {
                String name = data.relativize(file).toString().replace("/.done/", "/");
                long count = Files.lines(file).count();
                for (long line = 1; line <= count; line++) {
                    assertThat(delivered).as("%s is in .done/, so its line %d was acknowledged", name, line)
                            .contains(name + ":" + line);
                }
            }
        }
    }

    private void stopMidRunRestartAndCheck(boolean kill) throws Exception {
        new TmdbDataGenerator(8).generate(dir.resolve("data"), TYPES, 30_000, 2000);
        Set<String> expected = allLines();

        try (ApplicationProcess first = start("first.log")) {
            first.awaitLog(Pattern.compile("Done \\S+"), Duration.ofSeconds(60));
            if (kill) {
                first.close();
            } else {
                first.terminate();
            }
            first.awaitExit(Duration.ofSeconds(60));
            assertThat(first.output()).as("stopped mid-run").doesNotContain("files             15 done");
            if (!kill) {
                assertThat(first.output()).contains("Stopped while reading").contains("Ingestion summary");
            }
        }
        assertFilesInDoneAreFullyDelivered();

        try (ApplicationProcess second = start("second.log")) {
            assertThat(second.awaitExit(Duration.ofSeconds(120))).as(second.output()).isZero();
        }
        List<ConsumerRecord<String, byte[]>> records = TopicReader.read(TestBroker.bootstrapServers(), topics(),
                expected.size(), Duration.ofSeconds(60));
        assertThat(delivered(records)).as("lines on Kafka after the restart").containsAll(expected);
        try (Stream<Path> left = Files.walk(dir.resolve("data"))) {
            assertThat(left.filter(p -> p.toString().endsWith(".jsonl"))
                    .filter(p -> !p.getParent().getFileName().toString().equals(".done")).toList()).isEmpty();
        }
    }

    @Test
    void killedWithSigkillMidRunAndRestartedEveryLineIsOnKafka() throws Exception {
        stopMidRunRestartAndCheck(true);
    }

    @Test
    void stoppedWithSigtermMidRunAndRestartedEveryLineIsOnKafka() throws Exception {
        stopMidRunRestartAndCheck(false);
    }
}
