package tmdb.ingestion.loader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.checkpoint.FilePartitions;
import tmdb.ingestion.file.Claim;
import tmdb.ingestion.file.ClaimCheck;
import tmdb.ingestion.file.SourceFile;
import tmdb.ingestion.file.SymlinkPolicy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the announcement-ends route writes to the files topic: the tombstone of a file that ended (none while its path
 * holds a file again), and a held file's announcement made again, readable as the folder routes make it.
 */
class AnnouncementEndsRouteTest extends CamelTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    private AnnouncementEndQueue queue;

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties properties = new Properties();
        properties.setProperty("ingestion.group.files-topic", "files");
        return properties;
    }

    @Override
    protected RoutesBuilder createRouteBuilder() throws Exception {
        Path folder = Files.createDirectories(dataDir.resolve("movie/new")).toAbsolutePath().normalize();
        AnnouncementEndsRoute route = new AnnouncementEndsRoute();
        route.announcements = new FileAnnouncements(null, new ClaimCheck(dataDir,
                Map.of(folder, new ClaimCheck.Folder("movie", "new")), "*.jsonl", SymlinkPolicy.SKIP),
                new FilePartitions(), "instance-a", "deployment-1");
        queue = new AnnouncementEndQueue(context.createProducerTemplate());
        route.queue = queue;
        return route;
    }

    private MockEndpoint filesTopic() throws Exception {
        AdviceWith.adviceWith(context, "announcement-ends", route -> route.weaveByToUri("kafka:*").replace()
                .to("mock:files"));
        context.start();
        return getMockEndpoint("mock:files");
    }


    @Test
    void aFileThatEndedGetsATombstoneUnlessItsPathHoldsAFileAgain() throws Exception {
        MockEndpoint files = filesTopic();
        Files.writeString(dataDir.resolve("movie/new/again.jsonl"), "{}\n");
        files.expectedMessageCount(1);

        queue.ended(SourceFile.of(1, "movie/new/again.jsonl", "movie", "new", 0));
        queue.ended(SourceFile.of(2, "movie/new/gone.jsonl", "movie", "new", 0));

        assertThat(queue.awaitWritten(Duration.ofSeconds(10))).as("both done with, the one not written too: a once "
                + "run and the stop wait for no more").isTrue();
        assertThat(queue.inFlight()).isZero();
        files.assertIsSatisfied();
        Exchange tombstone = files.getReceivedExchanges().get(0);
        assertThat(tombstone.getIn().getHeader(KafkaConstants.KEY)).isEqualTo("deployment-1|movie/new/gone.jsonl");
        assertThat(tombstone.getIn().getBody()).isNull();
    }

    @Test
    void aRenewedAnnouncementIsTheFilesAnnouncementUnderItsKey() throws Exception {
        MockEndpoint files = filesTopic();
        Files.writeString(dataDir.resolve("movie/new/held.jsonl"), "{}\n");
        files.expectedMessageCount(1);

        queue.renewed(new Claim("movie/new/held.jsonl", "movie", "new", 0, 7));

        files.assertIsSatisfied();
        Exchange announcement = files.getReceivedExchanges().get(0);
        assertThat(announcement.getIn().getHeader(KafkaConstants.KEY)).isEqualTo("deployment-1|movie/new/held.jsonl");
        assertThat(announcement.getIn().getHeader(KafkaConstants.PARTITION_KEY))
                .isEqualTo(new FilePartitions().of("movie/new/held.jsonl"));
        JsonNode value = JSON.readTree(announcement.getIn().getBody(byte[].class));
        assertThat(value.path("file").asText()).isEqualTo("movie/new/held.jsonl");
        assertThat(value.path("type").asText()).isEqualTo("movie");
        assertThat(value.path("label").asText()).isEqualTo("new");
        assertThat(value.path("announced_by").asText()).isEqualTo("instance-a");
        assertThat(value.has("size")).as("a file's size is taken when it is opened").isFalse();
    }

    @Test
    void aRenewedAnnouncementOfAnObjectKeepsItsSizeAndETag() throws Exception {
        MockEndpoint files = filesTopic();
        files.expectedMessageCount(1);

        queue.renewed(new Claim("s3://raw/movie/new/held.jsonl", "movie", "new", 0, 7,
                1234, "\"e1\""));

        files.assertIsSatisfied();
        JsonNode value = JSON.readTree(files.getReceivedExchanges().get(0).getIn().getBody(byte[].class));
        assertThat(value.path("file").asText()).isEqualTo("s3://raw/movie/new/held.jsonl");
        assertThat(value.path("size").asLong()).isEqualTo(1234);
        assertThat(value.path("etag").asText()).isEqualTo("\"e1\"");
    }

    @Test
    void anEndNotWrittenYetIsWaitedForNoLongerThanAsked() throws Exception {
        filesTopic();
        context.getRouteController().stopRoute("announcement-ends");

        queue.ended(SourceFile.of(3, "movie/new/gone.jsonl", "movie", "new", 0));

        assertThat(queue.inFlight()).isEqualTo(1);
        long started = System.nanoTime();
        assertThat(queue.awaitWritten(Duration.ofMillis(200))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(200),
                Duration.ofSeconds(5));
    }
}
