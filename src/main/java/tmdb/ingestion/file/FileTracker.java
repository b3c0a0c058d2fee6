package tmdb.ingestion.file;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.checkpoint.CheckpointStore;
import tmdb.ingestion.checkpoint.FileIdentity;

/**
 * The files being ingested, each a {@link TrackedFile}, and what happens to them on disk. For the folder routes it
 * decides which files to read ({@code filter=#fileTracker}: new files, and files read to their end that have grown
 * since), opens each one (resuming after its checkpoint when it has one) and hands out its line reader. On every
 * tick of the lifecycle route it observes each file and carries out what the file decides: read on from where it
 * lies, move it to {@code .done/} once every line is accounted for and it has been quiet for
 * {@code ingestion.file.quiet-period-ms}, or to {@code .error/} when it failed. A file is moved only if its path
 * still holds it (same file key) and it is no longer than what was read; and one path is never read by two files at
 * once.
 */
public final class FileTracker implements GenericFileFilter<File> {

    public static final String DONE_FOLDER = ".done";
    public static final String ERROR_FOLDER = ".error";
    /** The route that reads a file's lines into the pipeline, from wherever reading stopped last. */
    public static final String READ_ROUTE = "direct:read-file";

    private static final Logger LOG = LoggerFactory.getLogger(FileTracker.class);
    /** A file that could not be opened or moved is tried again when it changes, or after this long. */
    private static final long LEFT_ALONE_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** A settlement waits for its checkpoints until Kafka answers: the client's delivery timeout bounds that. */
    private static final Duration UNTIL_ANSWERED = Duration.ofMillis(Long.MAX_VALUE);

    private final Path dataRoot;
    private final Options options;
    private final InFlightBudget budget;
    private final long quietNanos;
    private final IngestionStats stats;
    private final FileStatusEvents events;
    private final CheckpointStore checkpoints;
    private volatile ProducerTemplate template;
    /** Files picked up and not settled, by the path they were picked up at: a path is read by one file at a time. */
    private final Map<Path, TrackedFile> inFolders = new ConcurrentHashMap<>();
    /** Every file not yet done with: those in {@link #inFolders}, and moved files watched for late lines. */
    private final Set<TrackedFile> files = ConcurrentHashMap.newKeySet();
    private final Map<Path, LeftAlone> leftAlone = new ConcurrentHashMap<>();
    /** Links skipped and said so, not to say it at every poll; forgotten once the link is gone. */
    private final Set<Path> skippedLinks = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /** A file the folder routes pass over while it is unchanged, for a while: it could not be opened or moved. */
    private record LeftAlone(long length, long lastModified, long sinceNanos) {
        boolean stillApplies(GenericFile<File> file, long nowNanos) {
            return file.getFileLength() == length && file.getLastModified() == lastModified
                    && nowNanos - sinceNanos < LEFT_ALONE_NANOS;
        }
    }

    /**
     * How files are read and when they settle.
     *
     * @param maxLineBytes  the longest line kept; a longer one is dead-lettered ({@code ingestion.max-line-bytes})
     * @param chunkLines    the lines of a chunk, at most ({@code ingestion.read.chunk-lines})
     * @param chunkBytes    the bytes of a chunk, at most, unless a line is longer ({@code ingestion.read.chunk-bytes})
     * @param quietPeriodMs how long a file read to its end must be unchanged to settle
     *                      ({@code ingestion.file.quiet-period-ms})
     * @param symlinks      what to do with links ({@code ingestion.file.symlinks})
     */
    public record Options(int maxLineBytes, int chunkLines, long chunkBytes, long quietPeriodMs,
                          SymlinkPolicy symlinks) {
    }

    /** @param budget what readers hold counts against it: their buffers, and their lines until resolved */
    public FileTracker(Path dataRoot, Options options, InFlightBudget budget, IngestionStats stats,
                       FileStatusEvents events, CheckpointStore checkpoints) {
        this.dataRoot = dataRoot.toAbsolutePath().normalize();
        this.options = options;
        this.budget = budget;
        this.quietNanos = TimeUnit.MILLISECONDS.toNanos(options.quietPeriodMs());
        this.stats = stats;
        this.events = events;
        this.checkpoints = checkpoints;
    }

    /** How the lifecycle sends a file to the reading route itself (when its folder cannot read it on). */
    public void readWith(ProducerTemplate producerTemplate) {
        this.template = producerTemplate;
    }

    // --- the folder routes ---------------------------------------------------------------------------------------

    /** For the folder routes: new files, and files read to their end that have new lines in place. */
    @Override
    public boolean accept(GenericFile<File> file) {
        if (stopping || file.isDirectory()) {
            return false;
        }
        Path path = file.getFile().toPath().toAbsolutePath().normalize();
        if (Files.isSymbolicLink(path) && !linkMayBeRead(path)) {
            return false;
        }
        long now = System.nanoTime();
        LeftAlone passed = leftAlone.get(path);
        if (passed != null) {
            if (passed.stillApplies(file, now)) {
                return false;
            }
            leftAlone.remove(path);
        }
        TrackedFile tracked = inFolders.get(path);
        if (tracked == null) {
            return true;
        }
        try {
            return tracked.readsOnInFolder(observe(tracked), quietNanos, now);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Starts reading a file the folder route picked up: a new one is identified first (and resumes after its
     * checkpoint when it has one), a known one reads on where it stopped. Its line reader becomes the body.
     */
    public void open(Exchange exchange) throws IOException {
        Path path = Path.of(exchange.getIn().getHeader(Exchange.FILE_PATH, String.class)).toAbsolutePath().normalize();
        TrackedFile tracked = inFolders.get(path);
        if (tracked == null) {
            tracked = discover(path, exchange.getProperty(ReadingProperties.TYPE, String.class),
                    exchange.getProperty(ReadingProperties.LABEL, String.class));
            exchange.setProperty(ReadingProperties.FILE, tracked);
            identify(tracked);
        }
        startReader(exchange, tracked);
    }

    private TrackedFile discover(Path path, String type, String label) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        TrackedFile tracked;
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            tracked = new TrackedFile(identityOf(path), type, label, path, channel, attributes.fileKey());
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        inFolders.put(path, tracked);
        files.add(tracked);
        events.discovered(tracked);
        return tracked;
    }

    private void identify(TrackedFile tracked) throws IOException {
        FileChannel channel = tracked.channel();
        TextFileCheck.requireUtf8Text(channel);
        long size = channel.size();
        Checkpoint checkpoint = checkpoints.find(tracked.identity()).orElse(null);
        if (checkpoint != null && FileIdentity.matches(checkpoint, tracked.identity(), channel)) {
            tracked.resumeFrom(checkpoint);
            if (!checkpoint.done()) {
                LOG.info("Resuming {} after line {} (byte {} of {}): the lines before were acknowledged before the "
                        + "last stop", tracked.identity(), checkpoint.line(), checkpoint.offset(), size);
            } else if (size > checkpoint.offset()) {
                LOG.info("Resuming {} after line {}: it was ingested completely before and has grown since",
                        tracked.identity(), checkpoint.line());
            }
        } else if (checkpoint == null && checkpoints.whyNotUsed(tracked.identity()).isPresent()) {
            LOG.warn("Reading {} ({} bytes) from its start: the checkpoint topic has a checkpoint under this path, "
                    + "not used here: {}", tracked.identity(), size, checkpoints.whyNotUsed(tracked.identity()).get());
        } else {
            LOG.info("Reading {} ({} bytes)", tracked.identity(), size);
        }
        events.started(tracked);
    }

    private void startReader(Exchange exchange, TrackedFile tracked) throws IOException {
        JsonlLineReader reader = JsonlLineReader.from(tracked.channel(), tracked.readOffset(), tracked.linesRead(),
                options.maxLineBytes(), budget, () -> stopping, () -> quietNow(tracked));
        exchange.setProperty(ReadingProperties.FILE, tracked);
        exchange.setProperty(ReadingProperties.TYPE, tracked.type());
        exchange.setProperty(ReadingProperties.LABEL, tracked.label());
        exchange.getIn().setBody(tracked.startReading(reader) ? reader : Collections.emptyIterator());
    }

    /** For the reading route to split by: the reader's lines in chunks (a line longer than a chunk alone). */
    public Iterator<List<SourceLine>> chunks(Exchange exchange) {
        return exchange.getIn().getBody() instanceof JsonlLineReader reader
                ? reader.chunks(options.chunkLines(), options.chunkBytes()) : Collections.emptyIterator();
    }

    /** Called when the reader has given its last line: the file is read to its current end. */
    public void readingEnded(Exchange exchange) throws IOException {
        TrackedFile tracked = fileOf(exchange);
        if (exchange.getIn().getBody() instanceof JsonlLineReader reader) {
            reader.release();
            stats.linesSkipped(tracked.type(), tracked.label(), reader.blankLines());
            tracked.readingEnded(reader, tracked.channel().size());
        }
    }

    /**
     * Called when opening or reading the file failed; records already admitted still finish their way. A failure
     * caused by the application stopping (an interrupted wait for budget) only ends the reading.
     */
    public void readingFailed(Exchange exchange) throws IOException {
        TrackedFile tracked = fileOf(exchange);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = cause == null ? "unknown error" : describe(cause);
        if (tracked == null) {
            Path path = Path.of(exchange.getIn().getHeader(Exchange.FILE_PATH, String.class)).toAbsolutePath()
                    .normalize();
            LOG.error("Could not start {}: {}. The file was left in place; it is tried again when it changes, or in a "
                    + "minute", identityOf(path), describeFailure(rootOf(cause), reason));
            leaveAlone(path);
            return;
        }
        JsonlLineReader reader = exchange.getIn().getBody() instanceof JsonlLineReader r ? r : null;
        if (reader != null) {
            reader.release();
            stats.linesSkipped(tracked.type(), tracked.label(), reader.blankLines());
        }
        if (stopping) {
            tracked.readingBroken(reader);
            return;
        }
        String why = describeFailure(rootOf(cause), reason);
        tracked.readingFailed(reader, why);
        LOG.error("Reading {} failed after line {}: {}", tracked.identity(), tracked.linesRead(), why);
    }

    /** A link is read only when allowed, and only to a file under the data folder; it is said once otherwise. */
    private boolean linkMayBeRead(Path link) {
        String refusal;
        try {
            Path target = link.toRealPath();
            if (options.symlinks() == SymlinkPolicy.SKIP) {
                refusal = "links are not followed (ingestion.file.symlinks=skip)";
            } else if (!target.startsWith(dataRoot.toRealPath())) {
                refusal = "it points to " + target + ", outside the data folder";
            } else {
                return true;
            }
        } catch (IOException e) {
            refusal = "it points to nothing readable (" + describe(e) + ")";
        }
        if (skippedLinks.add(link)) {
            LOG.warn("Skipped {}: it is a symbolic link, and {}. Nothing of it was read; copy or move the file "
                    + "itself into the folder", identityOf(link), refusal);
        }
        return false;
    }

    // --- the lifecycle ---------------------------------------------------------------------------------------------

    /**
     * Observes every file and carries out its next step: read on, settle, or end the watch of a moved file. The
     * checkpoints of the files that settle in one tick are saved together, before any of them is moved.
     */
    public void tick() {
        skippedLinks.removeIf(link -> !Files.isSymbolicLink(link));
        List<TrackedFile> done = new ArrayList<>();
        List<TrackedFile> failed = new ArrayList<>();
        for (TrackedFile file : files) {
            try {
                switch (file.nextStep(observe(file), quietNanos, System.nanoTime())) {
                    case WAIT -> { }
                    case READ_HERE -> readHere(file);
                    case SETTLE_DONE -> done.add(file);
                    case SETTLE_FAILED -> failed.add(file);
                    case END_WATCH -> {
                        file.watchEnded();
                        forget(file);
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Could not check {}: {}", file.identity(), describe(e));
            }
        }
        if (!done.isEmpty() || !failed.isEmpty()) {
            settle(done, failed);
        }
    }

    private void settle(List<TrackedFile> done, List<TrackedFile> failed) {
        List<Checkpoint> saves = new ArrayList<>();
        for (TrackedFile file : done) {
            checkpointOf(file, true).ifPresent(saves::add);
        }
        for (TrackedFile file : failed) {
            checkpointOf(file, false).ifPresent(saves::add);
        }
        checkpoints.saveAndWait(saves, UNTIL_ANSWERED);
        for (TrackedFile file : done) {
            settleSafely(file, this::settleDone);
        }
        for (TrackedFile file : failed) {
            settleSafely(file, this::settleFailed);
        }
    }

    /** A file's checkpoint as it settles: complete when it is done; its progress when it failed (if it read a line). */
    private Optional<Checkpoint> checkpointOf(TrackedFile file, boolean done) {
        try {
            if (done) {
                return Optional.of(file.completed());
            }
            return file.linesRead() > 0 ? Optional.of(file.progress()) : Optional.empty();
        } catch (IOException e) {
            LOG.warn("Could not compute the checkpoint of {}: {}", file.identity(), describe(e));
            return Optional.empty();
        }
    }

    private interface Settlement {
        void settle(TrackedFile file) throws IOException;
    }

    private void settleSafely(TrackedFile file, Settlement settlement) {
        try {
            settlement.settle(file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not settle {}: {}", file.identity(), describe(e));
        }
    }

    /** Reads a file on where it lies now, on this thread: its path no longer holds it, or it was moved. */
    private void readHere(TrackedFile file) {
        if (file.state() == FileState.MOVED) {
            LOG.warn("{} grew after it was moved to {}: the lines written since are read from there and published. "
                    + "Its writer paused for longer than ingestion.file.quiet-period-ms ({} ms): raise it above the "
                    + "writer's longest pause, or have the writer rename complete files into the folder",
                    file.identity(), dataRoot.relativize(file.location()), options.quietPeriodMs());
        } else {
            LOG.info("Reading on {} from the file that was picked up: its path no longer holds it", file.identity());
        }
        template.send(READ_ROUTE, exchange -> startReader(exchange, file));
    }

    /**
     * Moves a file whose every line is accounted for to {@code .done/}, after saving its checkpoint as done. It is
     * checked once more under its lock right before the move: if it grew or changed meanwhile, it is read on
     * instead (the checkpoint saved then says where). A moved file stays watched for a quiet period, so that lines
     * a writer that kept it open appends in the meantime are read from {@code .done/}.
     */
    private void settleDone(TrackedFile file) throws IOException {
        Path pickedUpAt = file.location();
        boolean secondSettlement = file.moved();
        FileObservation observation;
        Path target;
        synchronized (file) {
            observation = observe(file);
            if (file.nextStep(observation, quietNanos, System.nanoTime()) != TrackedFile.Step.SETTLE_DONE) {
                return;
            }
            target = observation.inPlace() && !secondSettlement ? moveBeside(file, DONE_FOLDER) : pickedUpAt;
            boolean moved = target != null && !target.equals(pickedUpAt);
            file.settledDone(target == null ? pickedUpAt : target, moved || secondSettlement, System.nanoTime());
        }
        inFolders.remove(pickedUpAt, file);
        if (file.state() != FileState.MOVED) {
            forget(file);
        }
        if (!secondSettlement) {
            stats.fileDone(file.type(), file.label());
        }
        logDone(file, observation, pickedUpAt, target, secondSettlement);
        events.completed(file);
    }

    private void logDone(TrackedFile file, FileObservation observation, Path pickedUpAt, Path target,
                         boolean secondSettlement) {
        if (secondSettlement) {
            LOG.info("Done {} again: {}; it stays in {}", file.identity(), file.summary(), dataRoot.relativize(target));
        } else if (target == null) {
            LOG.info("Done {}: {}; it could not be moved (see above)", file.identity(), file.summary());
        } else if (!observation.inPlace()) {
            LOG.warn("Done {}: {}. It was not moved: {}", file.identity(), file.summary(), Files.exists(pickedUpAt)
                    ? "another file was put under its name while it was read (the collector reused the name); that "
                    + "file is read on its own next" : "it vanished from its folder (deleted or moved by someone "
                    + "else) while it was read");
        } else if (file.resumedFrom().filter(Checkpoint::done).isPresent()
                && file.publishedCount() + file.deadLetteredCount() == 0) {
            LOG.info("{} was ingested completely before (its checkpoint says so): moved to {} without sending it "
                    + "again", file.identity(), dataRoot.relativize(target));
        } else {
            LOG.info("Done {}: {}; moved to {}", file.identity(), file.summary(), dataRoot.relativize(target));
        }
    }

    /**
     * Moves a failed file to {@code .error/}, keeping its checkpoint: moved back into its folder, it resumes after
     * what was delivered instead of sending it again.
     */
    private void settleFailed(TrackedFile file) throws IOException {
        Path pickedUpAt = file.location();
        Path target;
        synchronized (file) {
            FileObservation observation = observe(file);
            if (file.nextStep(observation, quietNanos, System.nanoTime()) != TrackedFile.Step.SETTLE_FAILED) {
                return;
            }
            target = observation.inPlace() && !file.moved() ? moveBeside(file, ERROR_FOLDER) : null;
            file.settledFailed(target == null ? pickedUpAt : target);
        }
        inFolders.remove(pickedUpAt, file);
        forget(file);
        stats.fileFailed(file.type(), file.label());
        LOG.error("Failed {}: {}; {}", file.identity(), file.summary(), target == null ? "not moved"
                : "moved to " + dataRoot.relativize(target));
        events.failed(file, file.summary());
    }

    /** Saves the progress of every file being read that moved since its last checkpoint. */
    public void saveCheckpoints() {
        for (TrackedFile file : files) {
            if (!file.state().isSettled() && file.state() != FileState.DISCOVERED) {
                try {
                    file.progressToSave().ifPresent(checkpoints::save);
                } catch (IOException e) {
                    LOG.warn("Could not compute the checkpoint of {}: {}", file.identity(), describe(e));
                }
            }
        }
    }

    /** Makes every reader end at its next line and the folders take no more files: the application is stopping. */
    public void stopReading() {
        stopping = true;
    }

    /**
     * The application stops: every file not settled is left in place with its checkpoint saved (waiting at most the
     * given time for Kafka's acknowledgements), and resumes after it at the next start; moved files are no longer
     * watched.
     */
    public void interruptUnsettled(Duration saveTimeout) {
        List<TrackedFile> interrupted = new ArrayList<>();
        for (TrackedFile file : files) {
            if (!file.state().isSettled()) {
                interrupted.add(file);
            }
            file.interrupted();
        }
        List<Checkpoint> saves = new ArrayList<>();
        interrupted.forEach(file -> checkpointOf(file, false).ifPresent(saves::add));
        checkpoints.saveAndWait(saves, saveTimeout);
        for (TrackedFile file : interrupted) {
            LOG.warn("Stopped while reading {} at line {}: the file was left in place; the next start resumes it "
                    + "after line {}", file.identity(), file.linesRead(), file.resolvedThrough());
            events.interrupted(file);
        }
        for (TrackedFile file : files) {
            inFolders.remove(file.location(), file);
            forget(file);
        }
    }

    /** The number of files picked up and not settled. */
    public int openFiles() {
        return (int) files.stream().filter(file -> !file.state().isSettled()).count();
    }

    /** The files picked up and not settled: being read, or waiting for their records, for more lines, or for quiet. */
    public Collection<TrackedFile> unsettledFiles() {
        return files.stream().filter(file -> !file.state().isSettled()).toList();
    }

    // --- the file system -----------------------------------------------------------------------------------------

    /** The file's size through its channel, and whether its path still holds it, and since when it is unchanged. */
    private FileObservation observe(TrackedFile file) throws IOException {
        long size = file.channel().size();
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file.location(), BasicFileAttributes.class);
        } catch (IOException gone) {
            return new FileObservation(size, false, 0);
        }
        boolean inPlace = Objects.equals(attributes.fileKey(), file.fileKey());
        long modifiedAgoMs = Math.max(0, System.currentTimeMillis() - attributes.lastModifiedTime().toMillis());
        return new FileObservation(size, inPlace, inPlace ? TimeUnit.MILLISECONDS.toNanos(modifiedAgoMs) : 0);
    }

    private boolean quietNow(TrackedFile file) {
        try {
            return file.quiet(observe(file), quietNanos, System.nanoTime());
        } catch (IOException e) {
            return false;
        }
    }

    private void forget(TrackedFile file) {
        files.remove(file);
        try {
            file.channel().close();
        } catch (IOException e) {
            LOG.debug("Closing {}: {}", file.identity(), e.getMessage());
        }
    }

    private void leaveAlone(Path path) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            leftAlone.put(path, new LeftAlone(attributes.size(), attributes.lastModifiedTime().toMillis(),
                    System.nanoTime()));
        } catch (IOException gone) {
            leftAlone.remove(path);
        }
    }

    /** Moves the file beside itself into the named folder; null when it could not (said in the log). */
    private Path moveBeside(TrackedFile tracked, String folderName) {
        Path file = tracked.location();
        Path folder = file.resolveSibling(folderName);
        try {
            Files.createDirectories(folder);
            Path target = folder.resolve(file.getFileName());
            try {
                return Files.move(file, target);
            } catch (FileAlreadyExistsException e) {
                return Files.move(file, folder.resolve(uniqueName(file.getFileName().toString())));
            }
        } catch (IOException e) {
            LOG.error("Could not move {} to {}/: {}. Remove or move it by hand, or it will be read again when it "
                    + "changes or at the next start", tracked.identity(), folderName, describe(e));
            leaveAlone(file);
            return null;
        }
    }

    private static String uniqueName(String name) {
        int dot = name.lastIndexOf('.');
        String stamp = "." + System.currentTimeMillis();
        return dot > 0 ? name.substring(0, dot) + stamp + name.substring(dot) : name + stamp;
    }

    private String identityOf(Path file) {
        return file.startsWith(dataRoot) ? dataRoot.relativize(file).toString() : file.toString();
    }

    private static TrackedFile fileOf(Exchange exchange) {
        return exchange.getProperty(ReadingProperties.FILE, TrackedFile.class);
    }

    private static String describeFailure(Throwable cause, String reason) {
        if (cause instanceof TextFileCheck.NotTextException) {
            return cause.getMessage();
        }
        if (cause instanceof NoSuchFileException) {
            return "the file vanished (deleted or moved by someone else)";
        }
        if (cause instanceof AccessDeniedException) {
            return "permission denied; give the application read access to the file";
        }
        return reason;
    }

    private static String describe(Throwable cause) {
        Throwable root = rootOf(cause);
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static Throwable rootOf(Throwable cause) {
        Throwable root = cause;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
