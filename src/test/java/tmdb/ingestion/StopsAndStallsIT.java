package tmdb.ingestion;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import tmdb.ingestion.datagen.TmdbDataGenerator;
import tmdb.ingestion.support.ApplicationProcess;
import tmdb.ingestion.support.BrokerProcess;
import tmdb.ingestion.support.Signals;
import tmdb.ingestion.support.SourceLines;
import tmdb.ingestion.support.TestBroker;
import tmdb.ingestion.support.TopicReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Long pauses around exactly-once transactions, and stops that must fit a container's grace period: a transaction
 * the coordinator aborted for its age is this instance's own doing, not another instance's; and SIGTERM while
 * Kafka is away ends within {@code ingestion.shutdown.grace-period-ms}, losing nothing. The pauses are the scenario
 * (the test mostly waits, its topics its own), so it runs beside the other integration tests.
 */
@Tag("slow")
@Execution(ExecutionMode.CONCURRENT)
class StopsAndStallsIT {

    private static final int TRANSACTION_TIMEOUT_MS = 2000;
    private static final int GRACE_MS = 4000;
    /**
     * What the JVM's exit may add to the grace period: 0.4 s at most alone on this machine, 3.02 s once in a full
     * {@code mvn verify} with the concurrent scenarios and another build on the same two cores.
     */
    private static final int EXIT_MS = 5000;

    @TempDir
    Path dir;

    private final String prefix = "stall-" + System.nanoTime();

    private List<String> topics() {
        return topicsOf(prefix);
    }

    private static List<String> topicsOf(String prefix) {
        return List.of(prefix + ".movie", prefix + ".tv_series", prefix + ".person");
    }

    private List<String> args(String bootstrap, String mode, String guarantee, String... extra) {
        return args(dir.resolve("data"), prefix, bootstrap, mode, guarantee, extra);
    }

    /** A run on the folder, with topics, transactional id and group named by the prefix. */
    private static List<String> args(Path data, String prefix, String bootstrap, String mode, String guarantee,
                                     String... extra) {
        List<String> args = new ArrayList<>(List.of("--kafka.bootstrap-servers=" + bootstrap,
                "--ingestion.data-dir=" + data, "--ingestion.mode=" + mode,
                "--ingestion.file.quiet-period-ms=0", "--ingestion.delivery.guarantee=" + guarantee,
                "--ingestion.exactly-once.transactional-id=" + prefix, "--ingestion.group.id=" + prefix,
                "--ingestion.checkpoint.topic=" + prefix + ".checkpoints", "--ingestion.dead-letter.topic=" + prefix + ".dlq",
                "--ingestion.group.files-topic=" + prefix + ".files", "--ingestion.group.files-partitions=1"));
        for (String type : TmdbDataGenerator.TYPES) {
            args.add("--ingestion.type." + type + ".topic=" + prefix + "." + type);
        }
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void aTransactionTheCoordinatorAbortedForItsAgeIsSentAgainInANewOneAndTheRunGoesOn() throws Exception {
        TmdbDataGenerator.Manifest manifest = new TmdbDataGenerator(41).generate(dir.resolve("data"),
                TmdbDataGenerator.TYPES, 3000, 1000);
        Set<String> expected = SourceLines.of(dir.resolve("data"));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestBroker.bootstrapServers()));
             ApplicationProcess application = ApplicationProcess.start(dir.resolve("app.log"), Map.of(),
                     args(TestBroker.bootstrapServers(), "once", "exactly-once",
                             "--ingestion.pace.records-per-second=400",
                             "--camel.component.kafka.additional-properties[transaction.timeout.ms]="
                                     + TRANSACTION_TIMEOUT_MS).toArray(String[]::new))) {
            TopicReader.awaitCount(TestBroker.bootstrapServers(), prefix + ".movie", 100, Duration.ofSeconds(60));

            boolean abortedWhileFrozen = false;
            for (int attempt = 0; attempt < 5 && !abortedWhileFrozen; attempt++) {
                Signals.send("STOP", application.pid());
                try {
                    abortedWhileFrozen = awaitAbortOfOngoingTransaction(admin);
                } finally {
                    Signals.send("CONT", application.pid());
                }
                if (!abortedWhileFrozen) {
                    application.awaitLog(Pattern.compile("Progress: "), Duration.ofSeconds(30));
                }
            }
            assertThat(abortedWhileFrozen).as("frozen with a transaction open, which the coordinator aborted")
                    .isTrue();

            assertThat(application.awaitExit(Duration.ofSeconds(120))).as(application.output()).isZero();
            assertThat(application.output())
                    .contains("The open transaction has been open longer than transaction.timeout.ms ("
                            + TRANSACTION_TIMEOUT_MS + " ms;")
                    .doesNotContain("Another instance took over")
                    .contains("not delivered     0");
        }
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readToEnd(TestBroker.bootstrapServers(), topics());
        assertThat(SourceLines.missing(expected, SourceLines.of(records))).as("lines not on Kafka").isEmpty();
        assertThat(records).as("read_committed: the aborted transaction's records once, from the new one")
                .hasSize((int) manifest.totalRecords());
    }

    /**
     * True once the coordinator aborted the transaction that was open when the application was frozen; false at
     * once when none was open (frozen between a commit and the next record).
     */
    private boolean awaitAbortOfOngoingTransaction(Admin admin) throws Exception {
        TransactionDescription frozen = admin.describeTransactions(List.of(prefix + "-0")).description(prefix + "-0")
                .get(10, TimeUnit.SECONDS);
        if (frozen.state() != TransactionState.ONGOING) {
            return false;
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            TransactionDescription now = admin.describeTransactions(List.of(prefix + "-0")).description(prefix + "-0")
                    .get(10, TimeUnit.SECONDS);
            return now.producerEpoch() > frozen.producerEpoch() && now.state() == TransactionState.COMPLETE_ABORT;
        });
        return true;
    }

    @Test
    void aRunThatTookTheIdOverWhileThisOneWasFrozenPastTheTimeoutIsNotFencedBackAndNoLineIsSeenTwice()
            throws Exception {
        TmdbDataGenerator.Manifest manifest = new TmdbDataGenerator(47).generate(dir.resolve("data"),
                TmdbDataGenerator.TYPES, 3000, 1000);
        Set<String> expected = SourceLines.of(dir.resolve("data"));
        String[] exactlyOnce = args(TestBroker.bootstrapServers(), "once", "exactly-once",
                "--camel.component.kafka.additional-properties[transaction.timeout.ms]=" + TRANSACTION_TIMEOUT_MS,
                "--ingestion.group.session-timeout-ms=3000", "--ingestion.instance-id=successor")
                .toArray(String[]::new);
        List<String> paced = new ArrayList<>(List.of(exactlyOnce));
        paced.addAll(List.of("--ingestion.pace.records-per-second=400", "--ingestion.instance-id=frozen"));
        try (ApplicationProcess frozen = ApplicationProcess.start(dir.resolve("frozen.log"), Map.of(),
                paced.toArray(String[]::new))) {
            TopicReader.awaitCount(TestBroker.bootstrapServers(), prefix + ".movie", 100, Duration.ofSeconds(60));
            Signals.send("STOP", frozen.pid());
            long frozenAt = System.nanoTime();
            try (ApplicationProcess successor = ApplicationProcess.start(dir.resolve("successor.log"), Map.of(),
                    exactlyOnce)) {
                assertThat(successor.awaitExit(Duration.ofSeconds(120))).as(successor.output()).isZero();
            } finally {
                // what is under test is a transaction older than transaction.timeout.ms when the instance thaws
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        System.nanoTime() - frozenAt > TimeUnit.MILLISECONDS.toNanos(2L * TRANSACTION_TIMEOUT_MS));
                Signals.send("CONT", frozen.pid());
            }
            // thawed, the instance finds its partition given to the successor: it lets it go (and joins again, finding
            // everything done), or its commit is refused first and it stops; it never takes the id back
            int status = frozen.awaitExit(Duration.ofSeconds(60));
            assertThat(status).as(frozen.output()).isIn(0, 1);
            assertThat(frozen.output()).contains(status == 1 ? "Another instance took over the transactional id "
                    + prefix : "Instance frozen lost files partitions [0]");
        }
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readToEnd(TestBroker.bootstrapServers(), topics());
        assertThat(SourceLines.missing(expected, SourceLines.of(records))).as("lines not on Kafka").isEmpty();
        assertThat(records).as("read_committed: the thawed instance sent nothing again")
                .hasSize((int) manifest.totalRecords());
    }

    /**
     * Both guarantees at once, each with its own folder, topics and transactional id, on one broker of their own: it
     * is killed under both runs, and restarted for the runs after them.
     */
    @Test
    void sigtermWhileKafkaIsAwayEndsWithinTheGracePeriodAndTheNextRunDeliversEverything() throws Exception {
        List<String> guarantees = List.of("at-least-once", "exactly-once");
        Map<String, Set<String>> expected = new HashMap<>();
        for (String guarantee : guarantees) {
            new TmdbDataGenerator(43).generate(dataOf(guarantee), TmdbDataGenerator.TYPES, 6000, 1000);
            expected.put(guarantee, SourceLines.of(dataOf(guarantee)));
        }
        try (BrokerProcess broker = BrokerProcess.create(dir.resolve("broker")).start()) {
            Map<String, ApplicationProcess> first = new HashMap<>();
            try {
                for (String guarantee : guarantees) {
                    first.put(guarantee, ApplicationProcess.start(dir.resolve(guarantee + "-first.log"), Map.of(),
                            args(dataOf(guarantee), prefixOf(guarantee), broker.bootstrapServers(), "watch",
                                    guarantee, "--ingestion.pace.records-per-second=1000",
                                    "--ingestion.shutdown.grace-period-ms=" + GRACE_MS,
                                    "--camel.component.kafka.delivery-timeout-ms=4000",
                                    "--camel.component.kafka.request-timeout-ms=1500",
                                    "--camel.component.kafka.max-block-ms=2000").toArray(String[]::new)));
                }
                for (String guarantee : guarantees) {
                    TopicReader.awaitCount(broker.bootstrapServers(), prefixOf(guarantee) + ".movie", 200,
                            Duration.ofSeconds(60));
                }
                broker.kill();
                for (String guarantee : guarantees) {
                    first.get(guarantee).awaitLog(Pattern.compile("Waiting for Kafka at "), Duration.ofSeconds(60));
                }
                Map<String, Long> stopAsked = new HashMap<>();
                for (String guarantee : guarantees) {
                    stopAsked.put(guarantee, System.nanoTime());
                    first.get(guarantee).terminate();
                }
                for (String guarantee : guarantees) {
                    ApplicationProcess application = first.get(guarantee);
                    int status = application.awaitExit(Duration.ofSeconds(60));
                    long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopAsked.get(guarantee));

                    assertThat(status).as(guarantee + ", stopped by SIGTERM: 128 + 15; " + application.output())
                            .isEqualTo(143);
                    assertThat(stopMs).as(guarantee + ", the stop, ms: the grace period and the JVM's exit")
                            .isLessThan(GRACE_MS + EXIT_MS);
                }
            } finally {
                for (ApplicationProcess application : first.values()) {
                    application.close();
                }
            }
            broker.start();
            Map<String, ApplicationProcess> second = new HashMap<>();
            try {
                for (String guarantee : guarantees) {
                    second.put(guarantee, ApplicationProcess.start(dir.resolve(guarantee + "-second.log"), Map.of(),
                            args(dataOf(guarantee), prefixOf(guarantee), broker.bootstrapServers(), "once",
                                    guarantee).toArray(String[]::new)));
                }
                for (String guarantee : guarantees) {
                    ApplicationProcess application = second.get(guarantee);
                    assertThat(application.awaitExit(Duration.ofSeconds(120))).as(application.output()).isZero();
                }
            } finally {
                for (ApplicationProcess application : second.values()) {
                    application.close();
                }
            }
            for (String guarantee : guarantees) {
                List<ConsumerRecord<String, byte[]>> records = TopicReader.readToEnd(broker.bootstrapServers(),
                        topicsOf(prefixOf(guarantee)));
                assertThat(SourceLines.missing(expected.get(guarantee), SourceLines.of(records)))
                        .as(guarantee + ", lines not on Kafka").isEmpty();
                if (guarantee.equals("exactly-once")) {
                    assertThat(records).as("read_committed, across the cut-short stop")
                            .hasSize(expected.get(guarantee).size());
                }
            }
        }
    }

    private Path dataOf(String guarantee) {
        return dir.resolve(guarantee).resolve("data");
    }

    private String prefixOf(String guarantee) {
        return prefix + "-" + guarantee;
    }
}
