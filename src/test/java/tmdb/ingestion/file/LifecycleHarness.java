package tmdb.ingestion.file;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.checkpoint.CheckpointStore;
import tmdb.ingestion.checkpoint.FilePartitions;
import tmdb.ingestion.checkpoint.InMemoryCheckpointStore;
import tmdb.ingestion.content.Content;
import tmdb.ingestion.content.LocalFileContent;
import tmdb.ingestion.content.ObjectDisposal;
import tmdb.ingestion.content.StoredObject;

/**
 * The file lifecycle driven by hand, one event at a time on the test's thread, over real files in a temporary data
 * folder, with a model of everything around it: the folders' listing and the group's claims, readers, the senders
 * (at-least-once: records published as acknowledged; exactly-once: records and checkpoints committed together) and
 * the instance's restarts (stop, hand-over, lost partitions, crash). It remembers what was written and what was
 * published, so that a test checks that nothing was lost, invented, read from outside the watched folders, or moved
 * before every line of it was resolved.
 */
final class LifecycleHarness implements AutoCloseable {

    static final Duration QUIET = Duration.ofMillis(1000);
    static final Duration DRAIN = Duration.ofMillis(2000);
    static final List<String> FOLDERS = List.of("movie/new", "movie/old");
    static final String BUCKET = "bucket";
    private static final int FILES_AT_ONCE = 2;
    private static final int CHUNK_LINES = 3;

    final Path root;
    final Path data;
    final Path outside;
    final ManualClock clock = new ManualClock();
    final boolean exactlyOnce;
    private final ObjectDisposal disposal;
    private final Executor probes;
    final InMemoryCheckpointStore durable = new InMemoryCheckpointStore();
    final IngestionStats stats = new IngestionStats();
    final List<String> violations = new ArrayList<>();
    private final Map<String, Integer> published = new HashMap<>();
    private final Map<String, Integer> allowed = new HashMap<>();
    private final Set<String> written = new HashSet<>();
    /** Half lines written, by file, with when they were written: completed only within a quiet period. */
    private final Map<Path, Long> halfLines = new HashMap<>();
    private final Map<Path, Long> movedAt = new HashMap<>();
    private final Map<Path, Instance> movedBy = new HashMap<>();
    private final Map<Path, String> movedIdentity = new HashMap<>();
    /** Lines of moved files at their move; moved files whose watch a crash or lost partitions cut short. */
    private final Map<Path, List<String>> linesWhenMoved = new HashMap<>();
    private final Set<Path> watchCutShort = new HashSet<>();
    private String refusedMoves;

    private final Set<String> announcedEver = new HashSet<>();
    private final Map<String, String> untouchable = new LinkedHashMap<>();
    private int lines;
    private int names;
    Instance current;

    /** A record on its way: its file's account and line, and its text. */
    record InFlight(SourceFile file, long line, String text) {
    }

    /** One run of the instance: its lifecycle, and what its readers and senders hold. */
    final class Instance {
        final ManualThread thread = new ManualThread(clock);
        final FileLifecycle lifecycle;
        final List<ReadGrant> grants = new ArrayList<>();
        final List<Reader> readers = new ArrayList<>();
        final List<InFlight> inFlight = new ArrayList<>();
        final List<Claim> toClaim = new ArrayList<>();
        final ExactlyOnceStore transactional;
        /** The files whose announcements this instance tombstoned, in order. */
        final List<String> announcementsEnded = new ArrayList<>();
        /** The files this instance announced again, in order. */
        final List<String> announcementsRenewed = new ArrayList<>();
        boolean refuseGrants;
        private long offset;

        Instance() {
            transactional = exactlyOnce ? new ExactlyOnceStore() : null;
            CheckpointStore store = exactlyOnce ? transactional : durable;
            lifecycle = new FileLifecycle(new FileLifecycle.Options(1 << 16, CHUNK_LINES, 1 << 20,
                    QUIET.toMillis(), FILES_AT_ONCE), check(), store, new FilePartitions(), checkedMoves(),
                    grant -> !refuseGrants && grants.add(grant), new FileStatusEvents(null, "", "run", "a", stats),
                    new AnnouncementEnds() {
                        @Override
                        public void ended(SourceFile file) {
                            announcementsEnded.add(file.identity());
                        }

                        @Override
                        public void renewed(Claim claim) {
                            announcementsRenewed.add(claim.identity());
                        }
                    }, stats, clock, thread);
            lifecycle.assigned(Set.of(0));
            run();
        }

        void run() {
            thread.runAll();
        }

        Claim claimOf(String identity, String type, String label) {
            return new Claim(identity, type, label, 0, offset++);
        }
    }

    /** A reader of one grant, read chunk by chunk. */
    final class Reader {
        final ReadGrant grant;
        final JsonlLineReader reader;
        final Iterator<LineChunk> chunks;

        Reader(ReadGrant grant) throws IOException {
            this.grant = grant;
            this.reader = JsonlLineReader.of(grant, 1 << 16, InFlightBudget.unbounded(), () -> false);
            this.chunks = reader.chunks(CHUNK_LINES, 1 << 20);
        }
    }

    /**
     * Exactly-once as the transactions make it: a checkpoint saved by the lifecycle is only remembered by this run,
     * and durable once a commit takes it along; a new run finds the committed ones.
     */
    final class ExactlyOnceStore implements CheckpointStore {
        final Map<String, Checkpoint> remembered = new HashMap<>();
        final Map<Checkpoint, CompletableFuture<Void>> toCommit = new LinkedHashMap<>();

        @Override
        public Optional<Checkpoint> find(String file) {
            return Optional.ofNullable(remembered.get(file)).or(() -> durable.find(file));
        }

        @Override
        public Optional<String> whyNotUsed(String file) {
            return Optional.empty();
        }

        @Override
        public CompletableFuture<Void> save(Checkpoint checkpoint) {
            remembered.put(checkpoint.file(), checkpoint);
            return toCommit.computeIfAbsent(checkpoint, key -> new CompletableFuture<>());
        }

        @Override
        public void forget(Set<Integer> filesPartitions) {
        }
    }

    LifecycleHarness(boolean exactlyOnce) throws IOException {
        this(exactlyOnce, null);
    }

    /**
     * With a disposal, the instance reads objects of a bucket {@value #BUCKET} instead of the folders: each is a file
     * under {@code root/bucket/<key>}, which an announcement names {@code s3://bucket/<key>}.
     */
    LifecycleHarness(boolean exactlyOnce, ObjectDisposal disposal) throws IOException {
        this(exactlyOnce, disposal, Runnable::run);
    }

    /** With the threads that read claimed objects' first bytes chosen by the test. */
    LifecycleHarness(boolean exactlyOnce, ObjectDisposal disposal, Executor probes) throws IOException {
        this.exactlyOnce = exactlyOnce;
        this.disposal = disposal;
        this.probes = probes;
        root = Files.createTempDirectory("lifecycle");
        data = Files.createDirectories(root.resolve("data"));
        for (String folder : FOLDERS) {
            Files.createDirectories(data.resolve(folder));
        }
        outside = Files.createDirectories(root.resolve("outside"));
        Path secret = Files.writeString(outside.resolve("secret.jsonl"), "{\"movie_id\": 999999}\n");
        Path directory = Files.createDirectories(data.resolve("movie/new/dir.jsonl"));
        Path link = Files.createSymbolicLink(data.resolve("movie/new/link.jsonl"), secret);
        untouchable.put(secret.toString(), Files.readString(secret));
        untouchable.put(directory.toString(), "directory");
        untouchable.put(link.toString(), "link");
        current = new Instance();
    }

    private ClaimCheck check() {
        Map<Path, ClaimCheck.Folder> folders = new HashMap<>();
        for (String folder : FOLDERS) {
            String[] parts = folder.split("/");
            folders.put(data.resolve(folder).toAbsolutePath().normalize(), new ClaimCheck.Folder(parts[0], parts[1]));
        }
        ClaimCheck check = new ClaimCheck(data, folders, "*.jsonl,*.jsonl.gz", SymlinkPolicy.SKIP);
        return disposal == null ? check : check.withBucket(new ClaimCheck.Bucket(BUCKET, "", this::openObject,
                disposal, probes));
    }

    /** As an object's content is: reusable after it is closed (which only lets its stream go), its version its ETag. */
    private Content openObject(StoredObject object) {
        Path file = root.resolve("bucket").resolve(object.key());
        return new Content() {
            @Override
            public long size() {
                return object.size();
            }

            @Override
            public int read(ByteBuffer target, long position) throws IOException {
                try (LocalFileContent stream = LocalFileContent.open(file)) {
                    return stream.read(target, position);
                }
            }

            @Override
            public Optional<String> version() {
                return Optional.of(object.eTag());
            }

            @Override
            public void close() {
            }
        };
    }

    /** An object of new lines put into the bucket; its claim, as the listing would announce it. */
    Claim putObject(String key, int count) throws IOException {
        Path file = root.resolve("bucket").resolve(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, newLines(count), StandardCharsets.UTF_8);
        String[] parts = key.split("/");
        return new Claim("s3://" + BUCKET + "/" + key, parts[0], parts[1], 0, current.offset++, Files.size(file),
                "\"" + Integer.toHexString(Files.readString(file).hashCode()) + "\"");
    }

    /** Moves into folders of that name fail, as on a folder the instance may not write to; null: none fail. */
    void refuseMovesInto(String folderName) {
        refusedMoves = folderName;
    }

    /**
     * Moves as on disk, checking that a file moved to .done has every line resolved at that moment; a half line its
     * writer left goes with it.
     */
    private FileMoves checkedMoves() {
        return (file, folder) -> {
            if (folder.getFileName().toString().equals(refusedMoves)) {
                throw new AccessDeniedException(folder.toString());
            }
            if (folder.getFileName().toString().equals(Settling.DONE_FOLDER)) {
                for (String line : linesOf(file)) {
                    boolean lateAndCutShort = watchCutShort.contains(file)
                            && !linesWhenMoved.getOrDefault(file, List.of()).contains(line);
                    if (published.getOrDefault(line, 0) == 0 && !lateAndCutShort) {
                        violations.add(file + " moved to .done with line " + line + " not resolved");
                    }
                }
            }
            List<String> before = linesOf(file);
            Path target = FileMoves.ON_DISK.move(file, folder);
            Long halfLineSince = halfLines.remove(file);
            if (halfLineSince != null) {
                halfLines.put(target, halfLineSince);
            }
            if (folder.getFileName().toString().equals(Settling.DONE_FOLDER)) {
                movedAt.put(target, clock.nanoTime());
                movedBy.put(target, current);
                movedIdentity.put(target, data.relativize(file).toString());
                linesWhenMoved.put(target, before);
            }
            return target;
        };
    }

    // --- writing -------------------------------------------------------------------------------------------------

    private String newLine() {
        String line = "{\"movie_id\": " + (++lines) + "}";
        written.add(line);
        allowed.put(line, 1);
        return line;
    }

    private String newLines(int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append(newLine()).append('\n');
        }
        return text.toString();
    }


    /** A new file in a folder, written in one go. */
    Path write(String folder, int count) throws IOException {
        Path file = data.resolve(folder).resolve("f" + (++names) + ".jsonl");
        Files.writeString(file, newLines(count));
        return file;
    }

    /** A new file under a path that held another (dropped again under the same name). */
    void writeAt(Path file, int count) throws IOException {
        Files.writeString(file, newLines(count), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** A new gzip file in a folder, written in one go (one member). */
    Path writeGzip(String folder, int count) throws IOException {
        Path file = data.resolve(folder).resolve("f" + (++names) + ".jsonl.gz");
        Files.write(file, ContentSourceTest.gzip(newLines(count).getBytes(StandardCharsets.UTF_8)));
        return file;
    }

    /** A gzip file's content replaced in place (same inode) by other lines. */
    void rewriteGzip(Path file, int count) throws IOException {
        Files.write(file, ContentSourceTest.gzip(newLines(count).getBytes(StandardCharsets.UTF_8)),
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    /** An empty file in a folder, as a compressor's output starts ({@code gzip -c > f.jsonl.gz}). */
    Path createEmpty(String folder, String suffix) throws IOException {
        return Files.createFile(data.resolve(folder).resolve("f" + (++names) + suffix));
    }

    /** Another gzip member appended to a gzip file (a compressed file written in parts, or one that changed). */
    void appendGzipMember(Path file, int count) throws IOException {
        Files.write(file, ContentSourceTest.gzip(newLines(count).getBytes(StandardCharsets.UTF_8)),
                StandardOpenOption.APPEND);
    }

    /** A file written elsewhere, then renamed into a folder (the collector's way). */
    Path renameIn(String folder, int count) throws IOException {
        Path staged = Files.writeString(root.resolve("staged.part"), newLines(count));
        return Files.move(staged, data.resolve(folder).resolve("r" + (++names) + ".jsonl"));
    }

    /**
     * Lines appended by a writer: one that left a half line completes it first if it is back within a quiet period,
     * or else ends it as it is (the lifecycle may have taken it for the file's last line already).
     */
    void append(Path file, int count) throws IOException {
        if (halfLines.containsKey(file)) {
            if (mayCompleteHalfLine(file)) {
                completeHalfLine(file);
            } else {
                Files.writeString(file, "\n", StandardOpenOption.APPEND);
                halfLines.remove(file);
            }
        }
        Files.writeString(file, newLines(count), StandardOpenOption.APPEND);
    }

    /** The first part of a line, the rest of which follows later (or never: then it is the file's last line). */
    void writeHalfLine(Path file) throws IOException {
        String half = "{\"movie_id\": " + (++lines);
        written.add(half);
        allowed.put(half, 1);
        Files.writeString(file, half, StandardOpenOption.APPEND);
        halfLines.put(file, clock.nanoTime());
    }

    /** Its writer completes a half line before a quiet period passed (or the lifecycle may take the half for whole). */
    boolean mayCompleteHalfLine(Path file) {
        Long since = halfLines.get(file);
        return since != null && Files.exists(file) && clock.nanoTime() - since < QUIET.toNanos();
    }

    void completeHalfLine(Path file) throws IOException {
        List<String> before = linesOf(file);
        String half = before.get(before.size() - 1);
        written.remove(half);
        String whole = half + "}";
        written.add(whole);
        allowed.put(whole, 1);
        Files.writeString(file, "}\n", StandardOpenOption.APPEND);
        halfLines.remove(file);
    }

    /** {@code cp} over the file: new content, same inode. */
    void rewrite(Path file, int count) throws IOException {
        String content = newLines(count);
        String firstLine = Files.readString(file).lines().findFirst().orElse("");
        if (!firstLine.isEmpty() && content.startsWith(firstLine)) {
            // the new content carries on a first line read before it was terminated (taken as final once quiet):
            // byte for byte that is an append, which no reader can tell from one; a blank line makes it a rewrite
            content = "\n" + content;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(StandardCharsets.UTF_8.encode(content));
        }
        halfLines.remove(file);
    }

    /** Cut to its first lines (a log rotated by copytruncate keeps none): the rest is read again as new content. */
    void truncate(Path file, int keep) throws IOException {
        List<String> complete = completeLinesOf(file);
        List<String> kept = complete.subList(0, Math.min(keep, complete.size()));
        long size = kept.stream().mapToLong(line -> line.getBytes(StandardCharsets.UTF_8).length + 1).sum();
        kept.forEach(line -> allowed.merge(line, 1, Integer::sum));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
        halfLines.remove(file);
    }

    void setModified(Path file, Duration fromNow) throws IOException {
        Files.setLastModifiedTime(file, FileTime.fromMillis(clock.wallMillis() + fromNow.toMillis()));
    }

    /**
     * A moved file still watched by the instance that moved it (a writer that kept it open appends to it in
     * .done/): the lifecycle says so (its watch ends only at a tick that finds it unchanged for a quiet period), and
     * that instance still runs (a new one does not know the file).
     */
    boolean watched(Path moved) {
        String identity = movedIdentity.get(moved);
        return identity != null && movedBy.get(moved) == current && Files.exists(moved)
                && current.lifecycle.snapshot().files().stream().anyMatch(view ->
                view.file().identity().equals(identity) && view.state() == FileState.MOVED);
    }

    List<Path> movedFiles() {
        return new ArrayList<>(movedAt.keySet());
    }

    // --- the group and the folders ------------------------------------------------------------------------------

    /** The folders' listing: each file it passes is asked about, and the announced ones are to be claimed. */
    void list() throws IOException {
        for (String folder : FOLDERS) {
            String[] parts = folder.split("/");
            try (Stream<Path> entries = Files.list(data.resolve(folder))) {
                for (Path entry : entries.sorted().toList()) {
                    String name = entry.getFileName().toString();
                    if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) || name.startsWith(".")
                            || !name.endsWith(".jsonl") && !name.endsWith(".jsonl.gz")) {
                        continue;
                    }
                    if (current.lifecycle.announce(entry, parts[0], parts[1])) {
                        String identity = data.relativize(entry).toString();
                        announcedEver.add(identity);
                        current.toClaim.add(current.claimOf(identity, parts[0], parts[1]));
                    }
                }
            }
        }
        current.run();
    }

    /** The group delivers the announcements made: each becomes a claim. */
    void deliverClaims() {
        for (Claim claim : current.toClaim) {
            current.lifecycle.claim(claim);
        }
        current.toClaim.clear();
        current.run();
    }

    /** A claim of what no folder holds: a path outside the data folder, a directory, a link, the wrong folder. */
    void forgedClaim(int kind) {
        Claim claim = switch (kind % 6) {
            case 0 -> current.claimOf("../outside/secret.jsonl", "movie", "new");
            case 1 -> current.claimOf(outside.resolve("secret.jsonl").toString(), "movie", "new");
            case 2 -> current.claimOf("movie/new/dir.jsonl", "movie", "new");
            case 3 -> current.claimOf("movie/new/link.jsonl", "movie", "new");
            case 4 -> current.claimOf("movie/new", "movie", "new");
            default -> current.claimOf("movie/new/./f1.jsonl", "movie", "new");
        };
        current.lifecycle.claim(claim);
        current.run();
    }

    void tick() {
        current.lifecycle.tick();
        current.run();
    }

    // --- readers and senders ---------------------------------------------------------------------------------

    /** The reader of the oldest grant reads its next chunk (it starts with the grant's first one). */
    void readChunk() throws IOException {
        if (current.readers.isEmpty() && !current.grants.isEmpty()) {
            current.readers.add(new Reader(current.grants.remove(0)));
        }
        if (current.readers.isEmpty()) {
            return;
        }
        Reader reader = current.readers.get(0);
        if (reader.chunks.hasNext()) {
            LineChunk lines;
            try {
                lines = reader.chunks.next();
            } catch (UncheckedIOException failure) {
                current.readers.remove(0);
                reader.reader.release();
                current.lifecycle.readBrokeOff(reader.grant, ReadEnd.broken(reader.reader.blankLines()),
                        failure.getCause().getMessage());
                current.run();
                return;
            }
            List<SourceLine> chunk = lines.lines();
            AdmittedLines admitted = new AdmittedLines(chunk.size(), lines.head());
            Checkpoint from = reader.grant.resumedFrom();
            for (SourceLine line : chunk) {
                if (from != null && from.resolvedBefore(line.number())) {
                    admitted.passed(line);
                } else {
                    admitted.admitted(line);
                    current.inFlight.add(new InFlight(reader.grant.file(), line.number(),
                            new String(line.bytes(), StandardCharsets.UTF_8)));
                }
            }
            current.lifecycle.admitted(reader.grant.file(), admitted);
        } else {
            current.readers.remove(0);
            current.lifecycle.readEnded(reader.grant.file(), ReadEnd.of(reader.reader));
        }
        current.run();
    }

    /** The current reader breaks off with this failure, as the reading route reports one. */
    void breakOffReader(String reason) {
        Reader reader = current.readers.remove(0);
        reader.reader.release();
        current.lifecycle.readBrokeOff(reader.grant, ReadEnd.broken(reader.reader.blankLines()), reason);
        current.run();
    }

    /** Every reader reads to its end. */
    void readAll() throws IOException {
        for (int step = 0; step < 10_000 && !(current.readers.isEmpty() && current.grants.isEmpty()); step++) {
            readChunk();
        }
    }

    /**
     * At-least-once: the first {@code count} records in flight are acknowledged (published, or dead letters), or,
     * when {@code notDelivered}, given up after every retry.
     */
    void resolve(int count, boolean notDelivered) {
        List<InFlight> resolving = new ArrayList<>(current.inFlight.subList(0, Math.min(count,
                current.inFlight.size())));
        current.inFlight.removeAll(resolving);
        Map<SourceFile, FileOutcomes> outcomes = new LinkedHashMap<>();
        for (InFlight record : resolving) {
            FileOutcomes file = outcomes.computeIfAbsent(record.file(), key -> new FileOutcomes());
            if (notDelivered) {
                file.notDelivered();
            } else {
                file.published(record.line());
                published.merge(record.text(), 1, Integer::sum);
            }
        }
        current.lifecycle.resolved(outcomes);
        current.run();
    }

    /**
     * Exactly-once: a transaction with every record in flight and the checkpoints saved since the last one; records
     * of files the lifecycle let go are left out and their transaction given up, as the sender does.
     */
    void commit() throws Exception {
        Map<SourceFile, Set<Long>> linesByFile = new LinkedHashMap<>();
        current.inFlight.forEach(record -> linesByFile.computeIfAbsent(record.file(), key -> new HashSet<>())
                .add(record.line()));
        CompletableFuture<CommitCheckpoints> asked = current.lifecycle.checkpointsAssuming(linesByFile);
        current.run();
        CommitCheckpoints reached = asked.get();
        if (!reached.gone().isEmpty()) {
            current.inFlight.removeIf(record -> reached.gone().contains(record.file()));
            return;
        }
        Map<Checkpoint, CompletableFuture<Void>> saved = new LinkedHashMap<>(current.transactional.toCommit);
        current.transactional.toCommit.clear();
        saved.keySet().forEach(durable::save);
        reached.checkpoints().values().forEach(durable::save);
        List<InFlight> committed = new ArrayList<>(current.inFlight);
        current.inFlight.clear();
        Map<SourceFile, FileOutcomes> outcomes = new LinkedHashMap<>();
        for (InFlight record : committed) {
            published.merge(record.text(), 1, Integer::sum);
            outcomes.computeIfAbsent(record.file(), key -> new FileOutcomes()).published(record.line());
        }
        saved.values().forEach(future -> future.complete(null));
        current.lifecycle.resolved(outcomes);
        current.run();
    }

    /** What the senders do with what they hold: acknowledge it all, or commit it. */
    void sendAll() throws Exception {
        if (exactlyOnce) {
            commit();
        } else {
            resolve(current.inFlight.size(), false);
        }
    }

    // --- the instance ending -------------------------------------------------------------------------------------

    /** How an instance ends before the next one takes the files. */
    enum Ending { STOP, HAND_OVER, LOSE, CRASH }

    /**
     * The instance ends, and a new one takes over the partition: it reads the files topic from its start (a claim of
     * every file announced so far) and the checkpoints kept. When {@code drainFirst}, the records in flight are
     * acknowledged or committed before the ending's deadline, otherwise the deadline passes.
     */
    void restart(Ending ending, boolean drainFirst) throws Exception {
        Instance old = current;
        CompletableFuture<Void> ended = switch (ending) {
            case STOP -> old.lifecycle.stopIngesting(DRAIN, DRAIN);
            case HAND_OVER -> old.lifecycle.release(Set.of(0), false, DRAIN);
            case LOSE -> old.lifecycle.release(Set.of(0), true, DRAIN);
            case CRASH -> CompletableFuture.completedFuture(null);
        };
        old.run();
        for (int step = 0; step < 50 && !ended.isDone(); step++) {
            if (drainFirst) {
                readAll();
                sendAll();
            }
            clock.advance(Duration.ofMillis(500));
            old.run();
        }
        if (!ended.isDone()) {
            violations.add(ending + " did not end within " + DRAIN.multipliedBy(25));
        }
        if (!exactlyOnce && ending != Ending.STOP && ending != Ending.HAND_OVER) {
            old.inFlight.forEach(record -> published.merge(record.text(), 1, Integer::sum));
        }
        if (ending == Ending.CRASH || ending == Ending.LOSE) {
            movedAt.keySet().stream().filter(Files::exists).forEach(watchCutShort::add);
        }
        current = new Instance();
        for (String identity : announcedEver) {
            String[] parts = identity.split("/");
            current.lifecycle.claim(current.claimOf(identity, parts[0], parts[1]));
        }
        current.run();
    }

    // --- what must hold ----------------------------------------------------------------------------------------

    /** After every step: nothing invented, nothing outside read or moved, no move before its lines were resolved. */
    void checkSafety() throws IOException {
        if (!violations.isEmpty()) {
            throw new AssertionError(String.join("\n", violations));
        }
        for (Map.Entry<String, Integer> line : published.entrySet()) {
            if (!written.contains(line.getKey())) {
                throw new AssertionError("published what was never written: " + line.getKey());
            }
            if (exactlyOnce && line.getValue() > allowed.getOrDefault(line.getKey(), 1)) {
                throw new AssertionError("published " + line.getValue() + " times: " + line.getKey());
            }
        }
        for (Map.Entry<String, String> entry : untouchable.entrySet()) {
            Path path = Path.of(entry.getKey());
            boolean intact = switch (entry.getValue()) {
                case "directory" -> Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
                case "link" -> Files.isSymbolicLink(path);
                default -> Files.exists(path) && Files.readString(path).equals(entry.getValue());
            };
            if (!intact) {
                throw new AssertionError(path + " was read, moved or changed");
            }
        }
        Set<Long> read = new HashSet<>();
        List<ReadGrant> out = new ArrayList<>(current.grants);
        current.readers.forEach(reader -> out.add(reader.grant));
        for (ReadGrant grant : out) {
            if (!read.add(grant.file().id())) {
                throw new AssertionError("two readers of " + grant.file());
            }
            if (!FOLDERS.contains(parentOf(grant.file().identity()))) {
                throw new AssertionError("a reader was given " + grant.file() + ", not in a watched folder");
            }
        }
    }

    /** The files in the watched folders (not in .done/ or .error/, not the directory or the link). */
    List<Path> filesInFolders() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String folder : FOLDERS) {
            try (Stream<Path> entries = Files.list(data.resolve(folder))) {
                entries.filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)).sorted()
                        .forEach(files::add);
            }
        }
        return files;
    }

    boolean hasHalfLine(Path file) {
        return halfLines.containsKey(file);
    }

    private static String parentOf(String identity) {
        int slash = identity.lastIndexOf('/');
        return slash < 0 ? "" : identity.substring(0, slash);
    }

    /**
     * Lets everything finish: no more writing, the folders listed, every reader and sender done, time passing by more
     * than a quiet period, until the lifecycle has nothing left. Then every line of every file in the folders and in
     * {@code .done/} was published; but files in {@code .error/} (they had records not delivered) and the lines a
     * writer appended to a moved file whose watch a crash or lost partitions cut short (they are said in the log, and
     * stay unread in {@code .done/}).
     */
    void finishAndCheckEveryLinePublished() throws Exception {
        current.refuseGrants = false;
        for (int round = 0; round < 60; round++) {
            list();
            deliverClaims();
            readAll();
            sendAll();
            clock.advance(QUIET.plusMillis(1));
            tick();
            if (round > 2 && current.lifecycle.whatIsLeft().isEmpty() && current.grants.isEmpty() && current.readers.isEmpty()
                    && current.inFlight.isEmpty() && current.lifecycle.snapshot().files().isEmpty()) {
                break;
            }
        }
        checkSafety();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).toList()) {
                if (file.getParent().getFileName().toString().equals(Settling.ERROR_FOLDER)
                        || untouchable.containsKey(file.toString())) {
                    continue;
                }
                for (String line : linesOf(file)) {
                    boolean lateAndCutShort = watchCutShort.contains(file)
                            && !linesWhenMoved.getOrDefault(file, List.of()).contains(line);
                    if (published.getOrDefault(line, 0) == 0 && !lateAndCutShort) {
                        throw new AssertionError("never published: " + line + " of " + data.relativize(file)
                                + "; lifecycle: " + current.lifecycle.snapshot());
                    }
                }
            }
        }
    }

    /** A file's lines as it is now, its unterminated last line included. */
    static List<String> linesOf(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (ContentFormat.of(bytes) == ContentFormat.GZIP) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                    bytes = in.readAllBytes();
                }
            }
            return new String(bytes, StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** A file's lines that end with a line ending. */
    static List<String> completeLinesOf(Path file) throws IOException {
        String content = Files.readString(file);
        return content.substring(0, content.lastIndexOf('\n') + 1).lines().toList();
    }

    int publishedCount(String line) {
        return published.getOrDefault(line, 0);
    }

    @Override
    public void close() throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException error) throws IOException {
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
