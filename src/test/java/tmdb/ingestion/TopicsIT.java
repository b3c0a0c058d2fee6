package tmdb.ingestion;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.config.ConfigurationException;
import tmdb.ingestion.datagen.TmdbDataGenerator;
import tmdb.ingestion.producer.KafkaTopics.Needed;
import tmdb.ingestion.producer.KafkaTopics;
import tmdb.ingestion.support.ApplicationProcess;
import tmdb.ingestion.support.TestBroker;
import tmdb.ingestion.support.TopicReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The topics the run writes, on a cluster that does not create topics on first use (the test broker, like most
 * production clusters): created at start or named in an error, the checkpoint topic compacted, and a topic deleted
 * under a running application reported as such.
 */
class TopicsIT {

    @TempDir
    Path dir;

    private final String prefix = "topics-" + System.nanoTime();
    private final Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            TestBroker.bootstrapServers()));

    @AfterEach
    void closeAdmin() {
        admin.close();
    }

    @Test
    void missingTopicsAreCreatedWithTheConfiguredPartitionsAndTheCheckpointTopicCompactedLikeTheFilesTopic()
            throws Exception {
        KafkaTopics topics = new KafkaTopics(List.of(new Needed(prefix + ".movies", "ingestion.type.movie.topic", false),
                new Needed(prefix + ".cp", "ingestion.checkpoint.topic", true)),
                new KafkaTopics.Creation(true, Optional.of(2), Optional.empty(), 6), Properties::new);

        topics.require(adminConfig(), TestBroker.bootstrapServers(), 10_000);

        // created by the controller; the broker answering may learn of them a moment later
        Map<String, TopicDescription> created = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> admin.describeTopics(List.of(prefix + ".movies", prefix + ".cp")).allTopicNames()
                        .get(10, TimeUnit.SECONDS), described -> described.size() == 2);
        assertThat(created.get(prefix + ".movies").partitions()).hasSize(2);
        assertThat(created.get(prefix + ".cp").partitions()).as("as many as the files topic: the checkpoints of a files "
                + "partition are in the checkpoint partition of the same number").hasSize(6);
        assertThat(cleanupPolicy(prefix + ".cp")).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        assertThat(cleanupPolicy(prefix + ".movies")).isEqualTo(TopicConfig.CLEANUP_POLICY_DELETE);

        topics.require(adminConfig(), TestBroker.bootstrapServers(), 10_000);
    }

    @Test
    void withCreationOffEveryMissingTopicIsNamedWithItsSetting() {
        KafkaTopics topics = new KafkaTopics(List.of(new Needed(prefix + ".moveis", "ingestion.type.movie.topic", false),
                new Needed(prefix + ".dlq", "ingestion.dead-letter.topic", false)),
                new KafkaTopics.Creation(false, Optional.empty(), Optional.empty(), 1), Properties::new);

        assertThatThrownBy(() -> topics.require(adminConfig(), TestBroker.bootstrapServers(), 10_000))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Topic " + prefix + ".moveis (ingestion.type.movie.topic) does not exist")
                .hasMessageContaining("Topic " + prefix + ".dlq (ingestion.dead-letter.topic) does not exist")
                .hasMessageContaining("ingestion.topics.create=true");
    }

    @Test
    void aCheckpointTopicThatIsNotCompactedStopsTheStart() throws Exception {
        admin.createTopics(List.of(new NewTopic(prefix + ".cp", 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
        KafkaTopics topics = new KafkaTopics(List.of(new Needed(prefix + ".cp", "ingestion.checkpoint.topic", true)),
                new KafkaTopics.Creation(true, Optional.empty(), Optional.empty(), 1), Properties::new);

        assertThatThrownBy(() -> topics.require(adminConfig(), TestBroker.bootstrapServers(), 10_000))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Topic " + prefix + ".cp (ingestion.checkpoint.topic)")
                .hasMessageContaining("cleanup.policy=delete")
                .hasMessageContaining("--add-config cleanup.policy=compact");
    }

    @Test
    void aTypoInATopicNameWithCreationOffExitsWithTwoBeforeReadingAnything() throws Exception {
        new TmdbDataGenerator(3).generate(dir.resolve("data"), List.of("movie"), 10, 100);

        try (ApplicationProcess application = ApplicationProcess.start(dir.resolve("app.log"), Map.of(),
                "--kafka.bootstrap-servers=" + TestBroker.bootstrapServers(), "--ingestion.mode=once",
                "--ingestion.data-dir=" + dir.resolve("data"), "--ingestion.topics.create=false",
                "--ingestion.type.movie.topic=" + prefix + ".moveis")) {
            assertThat(application.awaitExit(Duration.ofSeconds(60))).as(application.output()).isEqualTo(2);
            assertThat(application.output())
                    .contains("Topic " + prefix + ".moveis (ingestion.type.movie.topic) does not exist")
                    .doesNotContain("Reading movie/")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void aTopicDeletedUnderARunningApplicationIsReportedByNameAndItsRecordsWaitForIt() throws Exception {
        TmdbDataGenerator.Manifest manifest = new TmdbDataGenerator(4).generate(dir.resolve("data"),
                List.of("movie"), 600, 100);
        String movies = prefix + ".movies";

        try (ApplicationProcess application = ApplicationProcess.start(dir.resolve("app.log"), Map.of(),
                "--kafka.bootstrap-servers=" + TestBroker.bootstrapServers(), "--ingestion.mode=once",
                "--ingestion.data-dir=" + dir.resolve("data"), "--ingestion.file.quiet-period-ms=0",
                "--ingestion.type.movie.topic=" + movies, "--ingestion.dead-letter.topic=" + prefix + ".dlq",
                "--ingestion.checkpoint.topic=" + prefix + ".cp", "--ingestion.pace.records-per-second=100",
                "--camel.component.kafka.max-block-ms=2000", "--camel.component.kafka.request-timeout-ms=1500",
                "--camel.component.kafka.delivery-timeout-ms=3000", "--ingestion.delivery.redelivery-delay-ms=200",
                "--ingestion.delivery.max-redelivery-delay-ms=1000")) {
            TopicReader.awaitCount(TestBroker.bootstrapServers(), movies, 100, Duration.ofSeconds(60));
            admin.deleteTopics(Set.of(movies)).all().get(10, TimeUnit.SECONDS);

            application.awaitLog(Pattern.compile(Pattern.quote("Topic " + movies
                    + " (ingestion.type.movie.topic) does not exist")), Duration.ofSeconds(60));
            admin.createTopics(List.of(new NewTopic(movies, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);

            assertThat(application.awaitExit(Duration.ofSeconds(90))).as(application.output()).isZero();
            assertThat(application.output())
                    .contains("Topic " + movies + " (ingestion.type.movie.topic) exists again")
                    .contains("published         " + manifest.totalRecords() + " records")
                    .doesNotContain("Waiting for Kafka");
        }
        assertThat(TopicReader.readToEnd(TestBroker.bootstrapServers(), List.of(movies)))
                .as("the records held while the topic was gone, in the new one")
                .isNotEmpty().hasSizeLessThan((int) manifest.totalRecords() - 100 + 1);
    }

    private Properties adminConfig() {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers());
        return config;
    }

    private String cleanupPolicy(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> admin
                .describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource)
                .get(TopicConfig.CLEANUP_POLICY_CONFIG).value(), policy -> policy != null);
    }
}
