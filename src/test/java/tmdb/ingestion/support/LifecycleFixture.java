package tmdb.ingestion.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.checkpoint.CheckpointStore;
import tmdb.ingestion.checkpoint.FilePartitions;
import tmdb.ingestion.file.AdmittedLines;
import tmdb.ingestion.file.AnnouncementEnds;
import tmdb.ingestion.file.Claim;
import tmdb.ingestion.file.ClaimCheck;
import tmdb.ingestion.file.FileLifecycle;
import tmdb.ingestion.file.FileMoves;
import tmdb.ingestion.file.FileStatusEvents;
import tmdb.ingestion.file.FilesSnapshot.FileView;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.file.IngestionStats;
import tmdb.ingestion.file.JsonlLineReader;
import tmdb.ingestion.file.LifecycleClock;
import tmdb.ingestion.file.LifecycleThread;
import tmdb.ingestion.file.ReadEnd;
import tmdb.ingestion.file.ReadGrant;
import tmdb.ingestion.file.SourceFile;
import tmdb.ingestion.file.SourceLine;
import tmdb.ingestion.file.SymlinkPolicy;
import tmdb.ingestion.record.Record;

import static org.awaitility.Awaitility.await;

/**
 * A real file lifecycle (its own thread, a quiet period of 0) over {@code movie/<label>} folders of a test's data
 * folder, for tests of the stages that send records and report their outcomes: files written here are claimed, read
 * and admitted as the reading route does, and their records go to the test.
 */
public final class LifecycleFixture implements AutoCloseable {

    private final Path dataDir;
    private final BlockingQueue<ReadGrant> grants = new LinkedBlockingQueue<>();
    private final FileLifecycle lifecycle;
    private long offset;

    public LifecycleFixture(Path dataDir, CheckpointStore checkpoints, IngestionStats stats) throws IOException {
        this.dataDir = dataDir;
        Map<Path, ClaimCheck.Folder> folders = new HashMap<>();
        for (String label : List.of("new", "change", "old")) {
            folders.put(Files.createDirectories(dataDir.resolve("movie").resolve(label)).toAbsolutePath()
                    .normalize(), new ClaimCheck.Folder("movie", label));
        }
        lifecycle = new FileLifecycle(new FileLifecycle.Options(1 << 20, 100, 1 << 20, 0, 9),
                new ClaimCheck(dataDir, folders, "*.jsonl", SymlinkPolicy.SKIP), checkpoints, new FilePartitions(),
                FileMoves.ON_DISK, grants::offer, new FileStatusEvents(null, "", "run", "test", stats),
                AnnouncementEnds.NONE, stats, LifecycleClock.SYSTEM, LifecycleThread.started());
        lifecycle.assigned(Set.of(0));
    }

    public FileLifecycle lifecycle() {
        return lifecycle;
    }

    /**
     * A file of these lines in {@code movie/new}, claimed, read to its end and admitted as the reading route does;
     * its records, each holding its share of the budget.
     */
    public List<Record> admittedFile(String name, List<String> lines, InFlightBudget budget)
            throws IOException, InterruptedException {
        Path path = dataDir.resolve("movie/new").resolve(name);
        Files.writeString(path, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        lifecycle.claim(new Claim("movie/new/" + name, "movie", "new", 0, offset++));
        ReadGrant grant = grants.poll(10, TimeUnit.SECONDS);
        if (grant == null) {
            throw new AssertionError("the lifecycle did not give movie/new/" + name + " to a reader");
        }
        JsonlLineReader reader = JsonlLineReader.from(grant.content(), grant.offset(), grant.linesBefore(), 1 << 20,
                () -> false, JsonlLineReader.ANY_SIZE);
        List<SourceLine> chunk = new ArrayList<>();
        reader.forEachRemaining(chunk::add);
        budget.acquire(chunk.stream().mapToInt(line -> budget.share(line.bytes().length)).sum());
        AdmittedLines admitted = new AdmittedLines(chunk.size(), reader.headRead());
        List<Record> records = new ArrayList<>();
        for (SourceLine line : chunk) {
            admitted.admitted(line);
            records.add(new Record(grant.file(), line, line.number(), budget, budget.share(line.bytes().length)));
        }
        lifecycle.admitted(grant.file(), admitted);
        lifecycle.readEnded(grant.file(), ReadEnd.of(reader));
        return records;
    }

    /** The file as the lifecycle's next snapshot shows it, once it satisfies the condition. */
    public FileView awaitView(SourceFile file, Predicate<FileView> condition) {
        FileView[] found = new FileView[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            lifecycle.tick();
            found[0] = lifecycle.snapshot().files().stream().filter(view -> view.file().equals(file)).findFirst()
                    .orElse(null);
            return found[0] != null && condition.test(found[0]);
        });
        return found[0];
    }

    /** Waits until the file is in the folder's {@code .done/} or {@code .error/} folder. */
    public void awaitMovedTo(String folder, String name) {
        Path target = dataDir.resolve("movie/new").resolve(folder).resolve(name);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            lifecycle.tick();
            return Files.exists(target);
        });
    }

    /** The checkpoint the file's records reach, as a transaction would commit it now. */
    public Checkpoint progress(SourceFile file) throws Exception {
        return lifecycle.checkpointsAssuming(Map.of(file, Set.of())).get(10, TimeUnit.SECONDS).checkpoints()
                .get(file);
    }

    @Override
    public void close() {
        lifecycle.stop();
    }
}
