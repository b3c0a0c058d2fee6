package tmdb.ingestion;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.datagen.TmdbDataGenerator;
import tmdb.ingestion.support.ApplicationProcess;
import tmdb.ingestion.support.SourceLines;
import tmdb.ingestion.support.TestBroker;
import tmdb.ingestion.support.TopicReader;

import static org.assertj.core.api.Assertions.assertThat;

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

    private void assertFilesInDoneAreFullyDelivered() throws Exception {
        Set<String> delivered = SourceLines.of(TopicReader.read(TestBroker.bootstrapServers(), topics(),
                Integer.MAX_VALUE, Duration.ofSeconds(5)));
        assertThat(delivered).as("files in .done/ had all their lines acknowledged")
                .containsAll(SourceLines.of(dir.resolve("data"), SourceLines::inDone));
    }

    private void stopMidRunRestartAndCheck(boolean kill) throws Exception {
        new TmdbDataGenerator(8).generate(dir.resolve("data"), TYPES, 30_000, 2000);
        Set<String> expected = SourceLines.of(dir.resolve("data"));

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
        assertThat(SourceLines.of(records)).as("lines on Kafka after the restart").containsAll(expected);
        assertThat(SourceLines.of(dir.resolve("data"), file -> !SourceLines.inDone(file))).as("files left").isEmpty();
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
