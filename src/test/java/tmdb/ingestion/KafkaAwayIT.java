package tmdb.ingestion;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import tmdb.ingestion.checkpoint.KafkaCheckpointStore;
import tmdb.ingestion.datagen.TmdbDataGenerator;
import tmdb.ingestion.support.ApplicationProcess;
import tmdb.ingestion.support.BrokerProcess;
import tmdb.ingestion.support.ManagementEndpoint;
import tmdb.ingestion.support.SourceLines;
import tmdb.ingestion.support.TopicReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka away where no record is in flight yet, past the waits of the producers and of the checkpoint reads, in one
 * exactly-once watch-mode run: the instance starts 15 s before its broker (past {@code kafka.connect-timeout-ms}, 10 s
 * here: it waits, readiness down, instead of ending with status 2), then the broker is killed right after the instance
 * took the transactional ids of its files partitions (all at once, within a few tens of milliseconds: the kill lands
 * during the takes, the checkpoint reads or the first announcements, as the timing falls; a take Kafka does not answer
 * is {@code TransactionalSenderTest}'s), and stays away at least 40 s: past the producers' {@code max.block.ms} (15 s
 * here, 60 s by default) and the 30 s after which a read of the checkpoints gives up and starts again; when the kill
 * lands after the first announcements were sent, until they expire (the delivery timeout, 2 min). The instance stays up
 * throughout, and once Kafka is back every line arrives once for a {@code read_committed} consumer. The waits are the
 * scenario: how long Kafka is away is what is under test; since the test mostly waits, on a broker of its own, it runs
 * beside the other integration tests.
 */
@Tag("slow")
@Execution(ExecutionMode.CONCURRENT)
class KafkaAwayIT {

    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final Duration BEFORE_THE_BROKER = Duration.ofMillis(CONNECT_TIMEOUT_MS + 5000);
    private static final int MAX_BLOCK_MS = 15_000;
    /** The producers' delivery timeout, {@code camel.component.kafka.delivery-timeout-ms}: set here as by default. */
    private static final int DELIVERY_TIMEOUT_MS = 120_000;
    private static final Duration KILLED_FOR = Duration.ofMillis(Math.max(MAX_BLOCK_MS,
            KafkaCheckpointStore.ATTEMPT_SECONDS * 1000) + 10_000);

    @TempDir
    Path dir;

    @Test
    void anExactlyOnceInstanceStartedBeforeKafkaAndCutOffWhileTakingItsPartitionsStaysUpAndSendsEveryLineOnce()
            throws Exception {
        new TmdbDataGenerator(23).generate(dir.resolve("data"), TmdbDataGenerator.TYPES, 3000, 1000);
        Set<String> expected = SourceLines.of(dir.resolve("data"));
        ManagementEndpoint management = new ManagementEndpoint();
        String prefix = "away-" + System.nanoTime();
        try (BrokerProcess broker = BrokerProcess.create(dir.resolve("broker"))) {
            List<String> args = new ArrayList<>(List.of("--kafka.bootstrap-servers=" + broker.bootstrapServers(),
                    "--ingestion.data-dir=" + dir.resolve("data"), "--ingestion.mode=watch",
                    "--ingestion.file.quiet-period-ms=0", "--ingestion.delivery.guarantee=exactly-once",
                    "--ingestion.exactly-once.transactional-id=" + prefix,
                    "--ingestion.management.port=" + management.port(),
                    "--ingestion.management.kafka-probe-timeout-ms=1000",
                    "--kafka.connect-timeout-ms=" + CONNECT_TIMEOUT_MS,
                    "--camel.component.kafka.max-block-ms=" + MAX_BLOCK_MS,
                    "--camel.component.kafka.delivery-timeout-ms=" + DELIVERY_TIMEOUT_MS));
            try (ApplicationProcess application = ApplicationProcess.start(dir.resolve("app.log"), Map.of(),
                    args.toArray(String[]::new))) {
                long started = System.nanoTime();
                application.awaitLog(Pattern.compile("Waiting for Kafka to start ingesting: Kafka is not reachable"),
                        Duration.ofSeconds(90));
                assertNotReady(management);
                sleepUntil(started + BEFORE_THE_BROKER.toNanos());
                assertThat(application.exitedWithin(Duration.ZERO)).as("up without Kafka past kafka.connect-timeout-ms").isFalse();

                broker.start();
                application.awaitLog(Pattern.compile("Exactly-once delivery: transactional id " + prefix + "-"),
                        Duration.ofSeconds(90));
                broker.kill();
                long killed = System.nanoTime();
                // a kill after the takes and the checkpoint reads is noticed when the first announcements expire: at
                // the producer's delivery timeout (application.properties), which a fixed two minutes missed by 10 ms
                application.awaitLog(
                        Pattern.compile("Files partitions \\[[0-9, ]+] wait for Kafka to |Could not announce"),
                        Duration.ofMillis(DELIVERY_TIMEOUT_MS).plusSeconds(60));
                assertNotReady(management);
                sleepUntil(killed + KILLED_FOR.toNanos());
                assertThat(application.exitedWithin(Duration.ZERO)).as("up while Kafka was away past max.block.ms").isFalse();

                broker.start();
                List<ConsumerRecord<String, byte[]>> records = TopicReader.read(broker.bootstrapServers(),
                        List.of("tmdb.movies.raw", "tmdb.tv_series.raw", "tmdb.people.raw"), expected.size(),
                        Duration.ofMinutes(3));
                assertThat(SourceLines.missing(expected, SourceLines.of(records))).as("lines not on Kafka").isEmpty();
                assertThat(records).as("every line once for read_committed").hasSize(expected.size());
                assertThat(application.exitedWithin(Duration.ZERO)).isFalse();
                application.terminate();
                assertThat(application.awaitExit(Duration.ofSeconds(60))).as("stopped by SIGTERM").isEqualTo(143);
                assertThat(application.output()).doesNotContain("This instance stops")
                        .doesNotContain("Configuration error").doesNotContain("The group's consumer failed");
            }
        }
    }

    private static void assertNotReady(ManagementEndpoint management) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            HttpResponse<String> ready = management.get("health/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
        });
    }

    /** The scenario's own timeline: Kafka is away until then. */
    private static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000);
        }
    }
}
