package tmdb.ingestion;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import tmdb.ingestion.datagen.TmdbDataGenerator;
import tmdb.ingestion.deadletter.DeadLetterExport;
import tmdb.ingestion.support.ApplicationProcess;
import tmdb.ingestion.support.BrokerProcess;
import tmdb.ingestion.support.DeadLetterSamples;
import tmdb.ingestion.support.TopicReader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broker that only speaks SASL: the right credentials work, wrong ones give a clear error at once. One broker, in a
 * process of its own, serves the cases, each on topics of its own; so the class runs beside the other scenarios.
 */
@Execution(ExecutionMode.CONCURRENT)
class SecureKafkaIT {

    @TempDir
    static Path brokerDir;
    private static BrokerProcess broker;

    @TempDir
    Path dir;

    private final String prefix = "secure-" + System.nanoTime();

    @BeforeAll
    static void startBroker() throws Exception {
        broker = BrokerProcess.createWithSasl(brokerDir).start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    private String moviesTopic() {
        return prefix + ".movie";
    }

    /** A once run on the SASL broker, on this case's topics, with the extra settings. */
    private ApplicationProcess start(Map<String, String> environment, String log, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--kafka.bootstrap-servers=" + broker.bootstrapServers(),
                "--ingestion.mode=once", "--ingestion.data-dir=" + dir.resolve("data"),
                "--kafka.connect-timeout-ms=10000", "--kafka.security-protocol=SASL_PLAINTEXT",
                "--kafka.sasl-mechanism=PLAIN", "--ingestion.type.movie.topic=" + moviesTopic(),
                "--ingestion.dead-letter.topic=" + prefix + ".dlq", "--ingestion.checkpoint.topic=" + prefix + ".cp",
                "--ingestion.group.files-topic=" + prefix + ".files", "--ingestion.status.topic=" + prefix + ".status"));
        args.addAll(List.of(extra));
        return ApplicationProcess.start(dir.resolve(log), environment, args.toArray(String[]::new));
    }

    private ApplicationProcess start(String password, String log) throws Exception {
        return start(Map.of("KAFKA_SASL_JAAS_CONFIG", BrokerProcess.jaas(BrokerProcess.INGEST_USER, password)), log);
    }

    @Test
    void theSecretCanComeFromAFileThroughKafkasFileConfigProvider() throws Exception {
        TmdbDataGenerator.Manifest manifest = new TmdbDataGenerator(29).generate(dir.resolve("data"), List.of("movie"),
                6, 100);
        Path secrets = Files.writeString(dir.resolve("kafka-secrets.properties"),
                "jaas=" + BrokerProcess.jaas(BrokerProcess.INGEST_USER, BrokerProcess.INGEST_PASSWORD).replace("\"", "\\\"") + "\n");
        try (ApplicationProcess application = start(Map.of(), "file.log",
                "--camel.component.kafka.additional-properties[config.providers]=file",
                "--camel.component.kafka.additional-properties[config.providers.file.class]="
                        + "org.apache.kafka.common.config.provider.FileConfigProvider",
                "--kafka.sasl-jaas-config=${file:" + secrets + ":jaas}")) {
            assertThat(application.awaitExit(Duration.ofSeconds(90))).as(application.output()).isZero();
            assertThat(application.output()).doesNotContain(BrokerProcess.INGEST_PASSWORD);
            assertThat(TopicReader.read(broker.bootstrapServers(), List.of(moviesTopic()),
                    (int) manifest.totalRecords(), Duration.ofSeconds(30), broker.clientSecurity()))
                    .hasSize((int) manifest.totalRecords());
        }
    }

    @Test
    void theRightCredentialsFromTheEnvironmentWorkAndWrongOnesFailClearlyWithoutLeakingTheSecret() throws Exception {
        TmdbDataGenerator.Manifest manifest = new TmdbDataGenerator(23).generate(dir.resolve("data"), List.of("movie"),
                12, 100);
        try (ApplicationProcess wrong = start("not-the-password", "wrong.log")) {
            assertThat(wrong.awaitExit(Duration.ofSeconds(60))).as(wrong.output()).isEqualTo(2);
            assertThat(wrong.output()).contains("refused the credentials").doesNotContain("not-the-password")
                    .doesNotContain("\tat ");
        }
        try (ApplicationProcess right = start(BrokerProcess.INGEST_PASSWORD, "right.log")) {
            assertThat(right.awaitExit(Duration.ofSeconds(90))).as(right.output()).isZero();
            assertThat(right.output()).doesNotContain(BrokerProcess.INGEST_PASSWORD);
        }
        assertThat(TopicReader.read(broker.bootstrapServers(), List.of(moviesTopic()),
                (int) manifest.totalRecords(), Duration.ofSeconds(30), broker.clientSecurity()))
                .hasSize((int) manifest.totalRecords());
    }

    @Test
    void theDeadLetterExportReachesTheSecuredClusterWithTheApplicationsSettings() throws Exception {
        String topic = prefix + ".dlq";
        DeadLetterSamples.createTopic(broker.bootstrapServers(), broker.clientSecurity(), topic);
        DeadLetterSamples.write(broker.bootstrapServers(), broker.clientSecurity(), topic,
                List.of(new DeadLetterSamples.Sample("movie", "old", "{\"movie_id\": 1, broken")));

        DeadLetterExport.Result result = DeadLetterExport.configured(Map.of("out", dir.resolve("out").toString(),
                "kafka.bootstrap-servers", broker.bootstrapServers(), "kafka.security-protocol", "SASL_PLAINTEXT",
                "kafka.sasl-mechanism", "PLAIN", "kafka.sasl-jaas-config",
                BrokerProcess.jaas(BrokerProcess.INGEST_USER, BrokerProcess.INGEST_PASSWORD),
                "ingestion.dead-letter.topic", topic)).export();

        assertThat(result.files()).hasSize(1);
        assertThat(result.files().keySet().iterator().next()).startsWith(dir.resolve("out/movie/old"));
    }
}
