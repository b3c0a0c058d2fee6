package tmdb.ingestion;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tmdb.ingestion.datagen.TmdbDataGenerator;
import tmdb.ingestion.support.ApplicationProcess;
import tmdb.ingestion.support.ManagementEndpoint;
import tmdb.ingestion.support.TestBroker;
import tmdb.ingestion.support.TopicReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application as its own process: environment variables, arguments, the embedded default, startup errors. On
 * topics (and, for the embedded default, a broker) of its own, it runs beside the other scenarios; its cases one after
 * the other.
 */
@Execution(ExecutionMode.CONCURRENT)
class ApplicationProcessIT {

    @TempDir
    Path dir;

    private final String prefix = "proc-" + System.nanoTime();
    private final String topic = prefix + ".movies";

    /** The application's own topics, named for this case, so that cases of other classes running beside it share none. */
    private String[] ownTopics(String... extra) {
        List<String> args = new ArrayList<>(List.of("--ingestion.checkpoint.topic=" + prefix + ".cp",
                "--ingestion.group.files-topic=" + prefix + ".files", "--ingestion.status.topic=" + prefix + ".status",
                "--ingestion.dead-letter.topic=" + prefix + ".dlq"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void environmentVariablesChooseTheClusterTheFolderTheModeAndAnyProperty() throws Exception {
        TmdbDataGenerator.Manifest manifest = new TmdbDataGenerator(1).generate(dir.resolve("data"), List.of("movie"), 30, 100);
        Map<String, String> environment = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", TestBroker.bootstrapServers(),
                "INGESTION_DATA_DIR", dir.resolve("data").toString(),
                "INGESTION_MODE", "once",
                "INGESTION_FILE_QUIET_PERIOD_MS", "0",
                "INGESTION_TYPE_MOVIE_TOPIC", topic,
                "INGESTION_CHECKPOINT_TOPIC", prefix + ".cp",
                "INGESTION_GROUP_FILES_TOPIC", prefix + ".files",
                "INGESTION_STATUS_TOPIC", prefix + ".status",
                "INGESTION_DEAD_LETTER_TOPIC", prefix + ".dlq");

        try (ApplicationProcess application = ApplicationProcess.start(dir.resolve("app.log"), environment)) {
            assertThat(application.awaitExit(Duration.ofSeconds(90))).as(application.output()).isZero();
            assertThat(application.output()).contains("Ingestion summary").doesNotContain("Embedded Kafka broker");
        }
        assertThat(TopicReader.read(TestBroker.bootstrapServers(), List.of(topic), (int) manifest.totalRecords(),
                Duration.ofSeconds(30))).hasSize((int) manifest.totalRecords());
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void argumentsOverrideEnvironmentVariables() throws Exception {
        new TmdbDataGenerator(1).generate(dir.resolve("data"), List.of("movie"), 6, 100);
        Map<String, String> environment = Map.of("KAFKA_BOOTSTRAP_SERVERS", TestBroker.bootstrapServers(),
                "INGESTION_MODE", "watch", "INGESTION_DATA_DIR", dir.resolve("elsewhere").toString());

        try (ApplicationProcess application = ApplicationProcess.start(dir.resolve("app.log"), environment,
                ownTopics("--ingestion.mode=once", "--ingestion.data-dir=" + dir.resolve("data"),
                        "--ingestion.file.quiet-period-ms=0", "--ingestion.type.movie.topic=" + topic))) {
            assertThat(application.awaitExit(Duration.ofSeconds(90))).as(application.output()).isZero();
            assertThat(application.output()).contains("mode once").contains("published         6 records");
        }
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void withoutAClusterTheApplicationStartsTheEmbeddedBrokerAndPublishesToIt() throws Exception {
        TmdbDataGenerator.Manifest manifest = new TmdbDataGenerator(2).generate(dir.resolve("data"), TmdbDataGenerator.TYPES, 27, 100);

        try (ApplicationProcess application = ApplicationProcess.start(dir.resolve("app.log"), Map.of(),
                "--ingestion.data-dir=" + dir.resolve("data"), "--kafka.embedded.port=0",
                "--kafka.embedded.data-dir=" + dir.resolve("kafka"))) {
            String bootstrap = application.awaitLog(
                    Pattern.compile("development default.*listening on (127\\.0\\.0\\.1:\\d+)"), Duration.ofSeconds(90));
            List<ConsumerRecord<String, byte[]>> records = TopicReader.read(bootstrap,
                    List.of("tmdb.movies.raw", "tmdb.tv_series.raw", "tmdb.people.raw"),
                    (int) manifest.totalRecords(), Duration.ofSeconds(60));
            assertThat(records).hasSize((int) manifest.totalRecords());
            application.terminate();
            application.awaitExit(Duration.ofSeconds(60));
            assertThat(application.output()).contains("Embedded Kafka broker stopped");
        }
        assertThat(dir.resolve("kafka/log/meta.properties")).exists();
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void aRecordRefusedByItsTopicAndByTheDeadLetterTopicIsReportedTheFileFailsAndTheRunExitsWithOne()
            throws Exception {
        new TmdbDataGenerator(1).generate(dir.resolve("data"), List.of("movie"), 6, 100);
        String deadLetters = prefix + ".dlq";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestBroker.bootstrapServers()))) {
            Map<String, String> tiny = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "100");
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(tiny),
                    new NewTopic(deadLetters, 1, (short) 1).configs(tiny))).all().get(30, TimeUnit.SECONDS);
        }

        try (ApplicationProcess application = ApplicationProcess.start(dir.resolve("app.log"), Map.of(),
                ownTopics("--kafka.bootstrap-servers=" + TestBroker.bootstrapServers(), "--ingestion.mode=once",
                        "--ingestion.data-dir=" + dir.resolve("data"), "--ingestion.type.movie.topic=" + topic,
                        "--ingestion.file.quiet-period-ms=0"))) {
            assertThat(application.awaitExit(Duration.ofSeconds(90))).as(application.output()).isEqualTo(1);
            assertThat(application.output())
                    .contains("Could not deliver movie/old/part-00001.jsonl:1 to topic " + deadLetters
                            + ": org.apache.kafka.common.errors.RecordTooLargeException")
                    .contains("not delivered     6")
                    .contains("files             0 done, 3 failed");
        }
        try (var failed = java.nio.file.Files.list(dir.resolve("data/movie/old/.error"))) {
            assertThat(failed).hasSize(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @Execution(ExecutionMode.SAME_THREAD)
    @CsvSource(delimiter = '|', value = {
        "--profile=staging                 | Profile 'staging' has no file config/staging.properties",
        "--ingestion.max-line-bytes=lots   | Property ingestion.max-line-bytes must be a whole number, not 'lots'",
        "--ingestion.in-flight.max-bytes=0 | Property ingestion.in-flight.max-bytes must be a positive number of bytes (at most 2147483647) or auto, not '0'",
        "--ingestion.timestamp.policy=now  | Property ingestion.timestamp.policy must be one of event-window, processing-time",
        "--ingestion.label.old.event-time-window=2025 | Property ingestion.label.old.event-time-window must be <start>/<end>",
        "once                              | Unrecognised argument 'once'",
        "--ingestion.data-dir=/nonexistent/collector | Data folder /nonexistent/collector (ingestion.data-dir, INGESTION_DATA_DIR) does not exist",
        "--ingestion.type.movie.topic=not a valid topic! | Property ingestion.type.movie.topic is not a valid topic name: Topic name is invalid",
        "--ingestion.mode=once;--kafka.connect-timeout-ms=1500 | Kafka is not reachable at 127.0.0.1:1 (kafka.bootstrap-servers, KAFKA_BOOTSTRAP_SERVERS) within 1500 ms"})
    void aConfigurationErrorExitsWithStatusTwoAndOneClearMessage(String arguments, String message) throws Exception {
        try (ApplicationProcess application = ApplicationProcess.start(dir.resolve("app.log"),
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1"), arguments.split(";"))) {
            assertThat(application.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(application.output()).contains(message).doesNotContain("\tat ");
        }
    }

    /**
     * A service started before Kafka (a compose file, a rollout) does not crash-loop: it stays up, says what it
     * waits for, and readiness is down saying it too, past the connect timeout; a stop ends it as usual.
     */
    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void aWatchModeInstanceStartedWithoutKafkaWaitsForItAndSaysSo() throws Exception {
        ManagementEndpoint management = new ManagementEndpoint();
        try (ApplicationProcess application = ApplicationProcess.start(dir.resolve("app.log"),
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1"), "--ingestion.data-dir=" + dir,
                "--kafka.connect-timeout-ms=1500", "--ingestion.management.port=" + management.port())) {
            application.awaitLog(Pattern.compile("Waiting for Kafka to start ingesting: Kafka is not reachable at "
                    + "127\\.0\\.0\\.1:1"), Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                HttpResponse<String> ready = management.get("health/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains("Waiting for Kafka at 127.0.0.1:1; starting: Kafka is not reachable");
            });
            assertThat(management.get("health/live").statusCode()).isEqualTo(200);
            assertThat(application.exitedWithin(Duration.ZERO)).as("still up past kafka.connect-timeout-ms").isFalse();

            application.terminate();
            assertThat(application.awaitExit(Duration.ofSeconds(60))).as("stopped by SIGTERM").isEqualTo(143);
            assertThat(application.output()).doesNotContain("Configuration error").doesNotContain("\tat ");
        }
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void aManagementPortInUseExitsWithStatusTwoAndSaysWhichSetting() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0);
             ApplicationProcess application = ApplicationProcess.start(dir.resolve("app.log"),
                     Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1"),
                     "--ingestion.management.port=" + taken.getLocalPort())) {
            assertThat(application.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(application.output())
                    .contains("Property ingestion.management.port port " + taken.getLocalPort() + " on 0.0.0.0 is "
                            + "taken by another process")
                    .doesNotContain("\tat ");
        }
    }
}
