package tmdb.ingestion;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.datagen.TmdbDataGenerator;
import tmdb.ingestion.deadletter.DeadLetterExport;
import tmdb.ingestion.support.ApplicationProcess;
import tmdb.ingestion.support.BrokerProcess;
import tmdb.ingestion.support.DeadLetterSamples;
import tmdb.ingestion.support.TopicReader;

import static org.assertj.core.api.Assertions.assertThat;

/** A broker that only speaks SASL: the right credentials work, wrong ones give a clear error at once. */
class SecureKafkaIT {

    @TempDir
    Path dir;

    private ApplicationProcess start(BrokerProcess broker, String password, String log) throws Exception {
        return ApplicationProcess.start(dir.resolve(log),
                Map.of("KAFKA_SASL_JAAS_CONFIG", BrokerProcess.jaas(BrokerProcess.INGEST_USER, password)),
                "--kafka.bootstrap-servers=" + broker.bootstrapServers(), "--ingestion.mode=once",
                "--ingestion.data-dir=" + dir.resolve("data"), "--kafka.connect-timeout-ms=10000",
                "--kafka.security-protocol=SASL_PLAINTEXT", "--kafka.sasl-mechanism=PLAIN");
    }

    @Test
    void theSecretCanComeFromAFileThroughKafkasFileConfigProvider() throws Exception {
        TmdbDataGenerator.Manifest manifest = new TmdbDataGenerator(29).generate(dir.resolve("data"), List.of("movie"),
                6, 100);
        Path secrets = Files.writeString(dir.resolve("kafka-secrets.properties"),
                "jaas=" + BrokerProcess.jaas(BrokerProcess.INGEST_USER, BrokerProcess.INGEST_PASSWORD).replace("\"", "\\\"") + "\n");
        try (BrokerProcess broker = BrokerProcess.createWithSasl(dir.resolve("broker")).start();
             ApplicationProcess application = ApplicationProcess.start(dir.resolve("file.log"), Map.of(),
                     "--kafka.bootstrap-servers=" + broker.bootstrapServers(), "--ingestion.mode=once",
                     "--ingestion.data-dir=" + dir.resolve("data"), "--kafka.connect-timeout-ms=10000",
                     "--kafka.security-protocol=SASL_PLAINTEXT", "--kafka.sasl-mechanism=PLAIN",
                     "--camel.component.kafka.additional-properties[config.providers]=file",
                     "--camel.component.kafka.additional-properties[config.providers.file.class]="
                             + "org.apache.kafka.common.config.provider.FileConfigProvider",
                     "--kafka.sasl-jaas-config=${file:" + secrets + ":jaas}")) {
            assertThat(application.awaitExit(Duration.ofSeconds(90))).as(application.output()).isZero();
            assertThat(application.output()).doesNotContain(BrokerProcess.INGEST_PASSWORD);
            assertThat(TopicReader.read(broker.bootstrapServers(), List.of("tmdb.movies.raw"),
                    (int) manifest.totalRecords(), Duration.ofSeconds(30), broker.clientSecurity()))
                    .hasSize((int) manifest.totalRecords());
        }
    }

    @Test
    void theRightCredentialsFromTheEnvironmentWorkAndWrongOnesFailClearlyWithoutLeakingTheSecret() throws Exception {
        TmdbDataGenerator.Manifest manifest = new TmdbDataGenerator(23).generate(dir.resolve("data"), List.of("movie"),
                12, 100);
        try (BrokerProcess broker = BrokerProcess.createWithSasl(dir.resolve("broker")).start()) {
            try (ApplicationProcess wrong = start(broker, "not-the-password", "wrong.log")) {
                assertThat(wrong.awaitExit(Duration.ofSeconds(60))).as(wrong.output()).isEqualTo(2);
                assertThat(wrong.output()).contains("refused the credentials").doesNotContain("not-the-password")
                        .doesNotContain("\tat ");
            }
            try (ApplicationProcess right = start(broker, BrokerProcess.INGEST_PASSWORD, "right.log")) {
                assertThat(right.awaitExit(Duration.ofSeconds(90))).as(right.output()).isZero();
                assertThat(right.output()).doesNotContain(BrokerProcess.INGEST_PASSWORD);
            }
            assertThat(TopicReader.read(broker.bootstrapServers(), List.of("tmdb.movies.raw"),
                    (int) manifest.totalRecords(), Duration.ofSeconds(30), broker.clientSecurity()))
                    .hasSize((int) manifest.totalRecords());
        }
    }

    @Test
    void theDeadLetterExportReachesTheSecuredClusterWithTheApplicationsSettings() throws Exception {
        try (BrokerProcess broker = BrokerProcess.createWithSasl(dir.resolve("broker")).start()) {
            String topic = "tmdb.ingestion.dlq";
            DeadLetterSamples.createTopic(broker.bootstrapServers(), broker.clientSecurity(), topic);
            DeadLetterSamples.write(broker.bootstrapServers(), broker.clientSecurity(), topic,
                    List.of(new DeadLetterSamples.Sample("movie", "old", "{\"movie_id\": 1, broken")));

            DeadLetterExport.Result result = DeadLetterExport.configured(Map.of("out", dir.resolve("out").toString(),
                    "kafka.bootstrap-servers", broker.bootstrapServers(), "kafka.security-protocol", "SASL_PLAINTEXT",
                    "kafka.sasl-mechanism", "PLAIN", "kafka.sasl-jaas-config",
                    BrokerProcess.jaas(BrokerProcess.INGEST_USER, BrokerProcess.INGEST_PASSWORD))).export();

            assertThat(result.files()).hasSize(1);
            assertThat(result.files().keySet().iterator().next()).startsWith(dir.resolve("out/movie/old"));
        }
    }
}
