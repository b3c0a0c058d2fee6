package tmdb.ingestion.loader;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.checkpoint.FilePartitions;
import tmdb.ingestion.checkpoint.InMemoryCheckpointStore;
import tmdb.ingestion.config.Seed;
import tmdb.ingestion.file.AnnouncementEnds;
import tmdb.ingestion.file.Claim;
import tmdb.ingestion.file.ClaimCheck;
import tmdb.ingestion.file.FileLifecycle;
import tmdb.ingestion.file.FileMoves;
import tmdb.ingestion.file.FileStatusEvents;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.file.IngestionStats;
import tmdb.ingestion.file.LifecycleClock;
import tmdb.ingestion.file.LifecycleThread;
import tmdb.ingestion.file.SymlinkPolicy;
import tmdb.ingestion.record.Record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reading route over a real file lifecycle: one reader thread takes turns over the files being read, a slice of
 * {@code ingestion.read.slice-chunks} chunks each time, so that the mixing stage gets chunks of every file; a slice
 * as long as the file reads the files one after the other.
 */
class FileReadingRouteTest extends CamelTestSupport {

    private static final int LINES = 300;
    /** Every line's bytes, newline aside: chunks of at most 50 such lines end by size, as chunks of long lines do. */
    private static final int LINE_BYTES = 29;
    private static final int CHUNK_LINES = 50;

    @TempDir
    Path dataDir;

    private final IngestionStats stats = new IngestionStats();
    private final InFlightBudget budget = InFlightBudget.unbounded();
    private final int sliceChunks;
    private FileLifecycle lifecycle;

    /** The slice a test reads with, when it is not one chunk. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    private @interface SliceChunks {
        int value();
    }

    FileReadingRouteTest(TestInfo test) {
        sliceChunks = test.getTestMethod().map(method -> method.getAnnotation(SliceChunks.class))
                .map(SliceChunks::value).orElse(1);
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties properties = new Properties();
        properties.setProperty("ingestion.read.threads", "1");
        return properties;
    }

    @Override
    protected void bindToRegistry(Registry registry) throws Exception {
        Map<Path, ClaimCheck.Folder> folders = Map.of(
                Files.createDirectories(dataDir.resolve("movie/new")).toAbsolutePath().normalize(),
                new ClaimCheck.Folder("movie", "new"));
        lifecycle = new FileLifecycle(new FileLifecycle.Options(1 << 20, 1000, CHUNK_LINES * LINE_BYTES, 0, 9),
                new ClaimCheck(dataDir, folders, "*.jsonl", SymlinkPolicy.SKIP), new InMemoryCheckpointStore(),
                new FilePartitions(), FileMoves.ON_DISK, grant -> new ReadQueue(template).offer(grant),
                new FileStatusEvents(null, "", "run", "test", stats), AnnouncementEnds.NONE, stats,
                LifecycleClock.SYSTEM, LifecycleThread.started());
        lifecycle.assigned(Set.of(0));
    }

    @AfterEach
    void stopLifecycle() {
        lifecycle.stop();
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        FileReadingRoute reading = new FileReadingRoute();
        reading.reading = new FileReading(lifecycle, budget, stats, sliceChunks);
        reading.admission = new RecordAdmission(lifecycle, budget, new Seed(1), stats);
        return new RoutesBuilder[] {reading, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:mix").to("mock:chunks");
            }
        }};
    }

    /**
     * Writes two files of 300 lines, two blank lines after every 50th (where a chunk ends, the blank lines skipped
     * looking for the line that did not fit), claims both (the reader held until both are granted), and returns the file of each chunk, in the order they came;
     * each file's lines arrive once, in order, and its blank lines are counted once.
     */
    private List<String> chunksOfTwoFiles() throws Exception {
        for (String name : List.of("a.jsonl", "b.jsonl")) {
            Files.writeString(dataDir.resolve("movie/new").resolve(name), IntStream.rangeClosed(1, LINES)
                    .mapToObj(id -> line(id) + "\n" + (id % CHUNK_LINES == 0 ? "\n\n" : ""))
                    .collect(Collectors.joining()), StandardCharsets.UTF_8);
        }
        // both granted before the reader starts: else it may read a's first slice before b is claimed
        context.getRouteController().stopRoute("file-reader");
        for (String name : List.of("a.jsonl", "b.jsonl")) {
            lifecycle.claim(new Claim("movie/new/" + name, "movie", "new", 0, name.charAt(0)));
        }
        SedaEndpoint grants = context.getEndpoint(FileReading.QUEUE, SedaEndpoint.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> grants.getQueue().size() == 2);
        context.getRouteController().startRoute("file-reader");
        MockEndpoint chunks = getMockEndpoint("mock:chunks");
        await().atMost(Duration.ofSeconds(20)).until(() -> chunks.getReceivedCounter() >= 2 * LINES / CHUNK_LINES);
        List<String> files = new ArrayList<>();
        Map<String, List<Long>> idsByFile = new TreeMap<>();
        chunks.getReceivedExchanges().forEach(exchange -> {
            @SuppressWarnings("unchecked")
            List<Record> records = exchange.getIn().getBody(List.class);
            assertThat(records).hasSize(CHUNK_LINES);
            files.add(records.get(0).file().identity());
            records.forEach(record -> idsByFile.computeIfAbsent(record.file().identity(), file -> new ArrayList<>())
                    .add(idOf(record)));
        });
        List<Long> everyId = LongStream.rangeClosed(1, LINES).boxed().toList();
        assertThat(idsByFile).containsOnlyKeys("movie/new/a.jsonl", "movie/new/b.jsonl")
                .allSatisfy((file, ids) -> assertThat(ids).as(file).isEqualTo(everyId));
        long blankLines = 2L * 2 * LINES / CHUNK_LINES;
        await().atMost(Duration.ofSeconds(10)).until(() -> stats.skipped() >= blankLines);
        assertThat(stats.skipped()).as("blank lines, each counted once").isEqualTo(blankLines);
        assertThat(chunks.getReceivedCounter()).as("chunks").isEqualTo(2 * LINES / CHUNK_LINES);
        return files;
    }

    private static String line(int id) {
        String unpadded = "{\"movie_id\": " + id + ", \"p\": \"\"}";
        return unpadded.replace("\"\"}", "\"" + "x".repeat(LINE_BYTES - unpadded.length()) + "\"}");
    }

    private static long idOf(Record record) {
        String line = new String(record.line().bytes(), StandardCharsets.UTF_8);
        return Long.parseLong(line.substring(line.indexOf(':') + 2, line.indexOf(',')));
    }

    @Test
    void oneReaderTakesTurnsOverTheFilesAChunkAtATime() throws Exception {
        List<String> alternating = new ArrayList<>();
        for (int slice = 0; slice < LINES / CHUNK_LINES; slice++) {
            alternating.addAll(List.of("movie/new/a.jsonl", "movie/new/b.jsonl"));
        }
        assertThat(chunksOfTwoFiles()).isEqualTo(alternating);
    }

    @Test
    @SliceChunks(1000)
    void aSliceAsLongAsTheFileReadsTheFilesOneAfterTheOther() throws Exception {
        List<String> oneAfterTheOther = new ArrayList<>();
        oneAfterTheOther.addAll(Collections.nCopies(LINES / CHUNK_LINES, "movie/new/a.jsonl"));
        oneAfterTheOther.addAll(Collections.nCopies(LINES / CHUNK_LINES, "movie/new/b.jsonl"));
        assertThat(chunksOfTwoFiles()).isEqualTo(oneAfterTheOther);
    }
}
