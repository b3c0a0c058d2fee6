package tmdb.ingestion.file;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.checkpoint.CheckpointStore;
import tmdb.ingestion.checkpoint.Deployment;
import tmdb.ingestion.checkpoint.FilePartitions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The files of the partitions an instance owns: a claimed file is picked up once, whatever the announcements
 * repeat; a claim of a file that is gone is dropped; the files of partitions handed over are let go, and the ones
 * of the partitions kept go on.
 */
class FileTrackerClaimsTest {

    @TempDir
    Path dir;

    private final List<TrackedFile> queued = new CopyOnWriteArrayList<>();
    private CamelContext context;
    private FileTracker tracker;

    @BeforeEach
    void start() throws Exception {
        context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(FileTracker.READ_ROUTE).process(exchange ->
                        queued.add(exchange.getProperty(ReadingProperties.FILE, TrackedFile.class)));
            }
        });
        context.start();
        IngestionStats stats = new IngestionStats();
        CheckpointStore checkpoints = new CheckpointStore("checkpoints", Properties::new, null, "run", true,
                new Deployment("test", "the test", Map.of("movie", "movies")), new FilePartitions());
        tracker = new FileTracker(dir, new FileTracker.Options(1 << 20, 100, 1 << 20, 0, SymlinkPolicy.SKIP),
                new InFlightBudget(1 << 20), stats, new FileStatusEvents(null, "", "run", "a", stats), checkpoints,
                new FilePartitions(), "a", "test");
        tracker.readWith(context.createProducerTemplate());
        Files.createDirectories(dir.resolve("movie/new"));
        Files.writeString(dir.resolve("movie/new/a.jsonl"), "{\"movie_id\": 1}\n");
        Files.writeString(dir.resolve("movie/new/b.jsonl"), "{\"movie_id\": 2}\n");
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void aClaimedFileIsPickedUpOnceAndTheClaimOfAFileThatIsGoneIsDropped() {
        tracker.claim("movie/new/a.jsonl", "movie", "new", 0);
        tracker.claim("movie/new/a.jsonl", "movie", "new", 0);
        tracker.claim("movie/new/gone.jsonl", "movie", "new", 0);
        tracker.tick();

        await().atMost(Duration.ofSeconds(10)).until(() -> !queued.isEmpty());
        assertThat(queued).extracting(TrackedFile::identity).containsExactly("movie/new/a.jsonl");
        assertThat(queued.get(0).partition()).isZero();
        assertThat(tracker.openFiles()).isEqualTo(1);
        assertThat(tracker.claimsPending()).as("no claim left waiting").isFalse();
    }

    @Test
    void theFilesOfPartitionsHandedOverAreLetGoAndAreReadAgainWhenClaimedAgain() {
        tracker.claim("movie/new/a.jsonl", "movie", "new", 0);
        tracker.claim("movie/new/b.jsonl", "movie", "new", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> queued.size() == 2);
        TrackedFile a = queued.stream().filter(file -> file.partition() == 0).findFirst().orElseThrow();

        tracker.release(Set.of(0), false, Duration.ofSeconds(1));

        assertThat(a.state()).isEqualTo(FileState.INTERRUPTED);
        assertThat(tracker.unsettledFiles()).extracting(TrackedFile::identity).containsExactly("movie/new/b.jsonl");
        assertThat(a.channel().isOpen()).as("the file let go is closed").isFalse();

        tracker.claim("movie/new/a.jsonl", "movie", "new", 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> queued.size() == 3);
        assertThat(queued.get(2)).as("a new account of the file, owned again").isNotSameAs(a);
        assertThat(queued.get(2).identity()).isEqualTo("movie/new/a.jsonl");
    }
}
