package tmdb.ingestion.file;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.apache.camel.component.kafka.KafkaConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.checkpoint.CheckpointStore;
import tmdb.ingestion.checkpoint.FileIdentity;
import tmdb.ingestion.checkpoint.FilePartitions;

/**
 * The files being ingested, each a {@link TrackedFile}, and what happens to them on disk. For the folder routes
 * (which run on the instance that discovers files) it decides which files to announce on the files topic
 * ({@code filter=#fileTracker}: files not announced yet). The files of the partitions this instance owns are claimed
 * here ({@link #claim}); it opens each one (resuming after its checkpoint when it has one) and has the reading route
 * read it. On every tick of the lifecycle route it observes each file and carries out what the file decides: read on
 * from where it stopped, move it to {@code .done/} once every line is accounted for and it has been quiet for
 * {@code ingestion.file.quiet-period-ms}, or to {@code .error/} when it failed. A file is moved only if its path
 * still holds it (same file key) and it is no longer than what was read; and one path is never read by two files at
 * once. When a partition goes to another instance, its files are handed over ({@link #release}).
 */
public final class FileTracker implements GenericFileFilter<File> {

    public static final String DONE_FOLDER = ".done";
    public static final String ERROR_FOLDER = ".error";
    /** The route that reads a file's lines into the pipeline, from wherever reading stopped last. */
    public static final String READ_ROUTE = "seda:read-file";

    private static final Logger LOG = LoggerFactory.getLogger(FileTracker.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How often a hand-over looks whether the files' records are all resolved. */
    private static final long HAND_OVER_CHECK_MS = 20;
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
    private final FilePartitions partitions;
    private final String instanceId;
    private final String deploymentId;
    private volatile ProducerTemplate template;
    /** Files picked up and not settled, by the path they were picked up at: a path is read by one file at a time. */
    private final Map<Path, TrackedFile> inFolders = new ConcurrentHashMap<>();
    /** Every file not yet done with: those in {@link #inFolders}, and moved files watched for late lines. */
    private final Set<TrackedFile> files = ConcurrentHashMap.newKeySet();
    private final Map<Path, LeftAlone> leftAlone = new ConcurrentHashMap<>();
    /** Files announced on the files topic by this instance, by path, with the file key announced. */
    private final Map<Path, Object> announced = new ConcurrentHashMap<>();
    /**
     * Files this instance is announcing or announced that it has not been given to claim yet (once runs wait for
     * them). Counted before the announcement is sent: its claim may come back before the send is acknowledged.
     */
    private final Set<String> announcedNotClaimed = ConcurrentHashMap.newKeySet();
    /** Files of the partitions this instance owns, announced and not picked up yet, by path under the data folder. */
    private final Map<String, Claim> claims = new ConcurrentHashMap<>();
    /** Files of partitions being handed over to another instance: their readers stop, nothing more is done. */
    private final Set<TrackedFile> handingOver = ConcurrentHashMap.newKeySet();
    /** Links skipped and said so, not to say it at every poll; forgotten once the link is gone. */
    private final Set<Path> skippedLinks = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /** A file passed over while it is unchanged, for a while: it could not be opened or moved. */
    private record LeftAlone(long length, long lastModified, long sinceNanos) {
        boolean stillApplies(BasicFileAttributes file, long nowNanos) {
            return file.size() == length && file.lastModifiedTime().toMillis() == lastModified
                    && nowNanos - sinceNanos < LEFT_ALONE_NANOS;
        }
    }

    /** A file announced in a partition this instance owns: its folder's type and label. */
    private record Claim(String type, String label, int partition) {
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
    /**
     * @param instanceId   this instance, named in each file's announcement
     * @param deploymentId the deployment whose files these are ({@code ingestion.deployment-id}): deployments
     *                     sharing the files topic keep their announcements apart by it
     */
    public FileTracker(Path dataRoot, Options options, InFlightBudget budget, IngestionStats stats,
                       FileStatusEvents events, CheckpointStore checkpoints, FilePartitions partitions,
                       String instanceId, String deploymentId) {
        this.dataRoot = dataRoot.toAbsolutePath().normalize();
        this.options = options;
        this.budget = budget;
        this.quietNanos = TimeUnit.MILLISECONDS.toNanos(options.quietPeriodMs());
        this.stats = stats;
        this.events = events;
        this.checkpoints = checkpoints;
        this.partitions = partitions;
        this.instanceId = instanceId;
        this.deploymentId = deploymentId;
    }

    /** How the lifecycle sends a file to the reading route itself (when its folder cannot read it on). */
    public void readWith(ProducerTemplate producerTemplate) {
        this.template = producerTemplate;
    }

    // --- discovery: the folder routes ----------------------------------------------------------------------------

    /** For the folder routes: files not announced yet (or replaced under their name since they were). */
    @Override
    public boolean accept(GenericFile<File> file) {
        if (stopping || file.isDirectory()) {
            return false;
        }
        Path path = file.getFile().toPath().toAbsolutePath().normalize();
        if (Files.isSymbolicLink(path) && !linkMayBeRead(path)) {
            return false;
        }
        Object fileKey = fileKeyOf(path);
        return fileKey != null && !fileKey.equals(announced.get(path));
    }

    /**
     * Makes the folder route's file its announcement on the files topic: keyed by the deployment and its path under
     * the data folder (as its checkpoints are), to the partition of that path, so that the instance owning the
     * partition reads it.
     */
    public void announcement(Exchange exchange) {
        Path path = Path.of(exchange.getIn().getHeader(Exchange.FILE_PATH, String.class)).toAbsolutePath().normalize();
        String identity = identityOf(path);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("file", identity);
        fields.put("type", exchange.getProperty(ReadingProperties.TYPE, String.class));
        fields.put("label", exchange.getProperty(ReadingProperties.LABEL, String.class));
        fields.put("size", exchange.getIn().getHeader(Exchange.FILE_LENGTH, Long.class));
        fields.put("announced_by", instanceId);
        fields.put("time", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        exchange.getIn().removeHeaders("*");
        exchange.getIn().setHeader(KafkaConstants.KEY, deploymentId + "|" + identity);
        exchange.getIn().setHeader(KafkaConstants.PARTITION_KEY, partitions.of(identity));
        exchange.getIn().setHeader(Exchange.FILE_PATH, path.toString());
        announcedNotClaimed.add(identity);
        try {
            exchange.getIn().setBody(JSON.writeValueAsBytes(fields));
        } catch (IOException e) {
            throw new IllegalStateException("a map of strings and numbers is always JSON", e);
        }
    }

    /** The folder route's file is announced: it is not announced again while its path holds it. */
    public void announced(Exchange exchange) {
        Path path = Path.of(exchange.getIn().getHeader(Exchange.FILE_PATH, String.class));
        Object fileKey = fileKeyOf(path);
        if (fileKey != null) {
            announced.put(path, fileKey);
        }
    }

    /** The folder route's file could not be announced: the next poll announces it again. */
    public void announcementFailed(Exchange exchange) {
        String path = exchange.getIn().getHeader(Exchange.FILE_PATH, String.class);
        if (path != null) {
            announcedNotClaimed.remove(identityOf(Path.of(path).toAbsolutePath().normalize()));
        }
    }

    /** True while files this instance announced have not come back as claims, or claims wait to be picked up. */
    public boolean claimsPending() {
        return !announcedNotClaimed.isEmpty() || !claims.isEmpty();
    }

    // --- claims: the files of the partitions this instance owns ----------------------------------------------------

    /**
     * A file announced in a partition this instance owns: it is picked up now if its path holds a file that is not
     * being read here already, otherwise at a later tick. An announcement of a file that is gone is dropped.
     */
    public void claim(String identity, String type, String label, int partition) {
        claims.put(identity, new Claim(type, label, partition));
        announcedNotClaimed.remove(identity);
        pickUpClaims();
    }

    private synchronized void pickUpClaims() {
        long now = System.nanoTime();
        for (Map.Entry<String, Claim> entry : claims.entrySet()) {
            Path path = dataRoot.resolve(entry.getKey()).normalize();
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(path, BasicFileAttributes.class);
            } catch (IOException gone) {
                claims.remove(entry.getKey(), entry.getValue());
                continue;
            }
            if (stopping || attributes.isDirectory()) {
                continue;
            }
            LeftAlone passed = leftAlone.get(path);
            if (passed != null && passed.stillApplies(attributes, now)) {
                continue;
            }
            leftAlone.remove(path);
            TrackedFile tracked = inFolders.get(path);
            if (tracked != null) {
                if (Objects.equals(tracked.fileKey(), attributes.fileKey())) {
                    claims.remove(entry.getKey(), entry.getValue());
                }
                continue;
            }
            if (pickUp(path, entry.getValue())) {
                claims.remove(entry.getKey(), entry.getValue());
            }
        }
    }

    /**
     * Opens a claimed file, identifies it (resuming after its checkpoint when it has one) and has it read; false
     * when it could not be opened (it is tried again when it changes, or in a minute).
     */
    private boolean pickUp(Path path, Claim claim) {
        TrackedFile tracked;
        try {
            tracked = discover(path, claim.type(), claim.label(), claim.partition());
        } catch (IOException e) {
            LOG.error("Could not start {}: {}. The file was left in place; it is tried again when it changes, or in a "
                    + "minute", identityOf(path), describeFailure(rootOf(e), describe(e)));
            leaveAlone(path);
            return false;
        }
        try {
            identify(tracked);
        } catch (IOException e) {
            String why = describeFailure(rootOf(e), describe(e));
            tracked.readingFailed(null, why);
            LOG.error("Reading {} failed after line {}: {}", tracked.identity(), tracked.linesRead(), why);
            return true;
        }
        read(tracked);
        return true;
    }

    private TrackedFile discover(Path path, String type, String label, int partition) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        TrackedFile tracked;
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            tracked = new TrackedFile(identityOf(path), type, label, path, channel, attributes.fileKey(), partition);
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
                        + "last stop or hand-over", tracked.identity(), checkpoint.line(), checkpoint.offset(), size);
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

    /** Has the reading route read the file on from where it stopped, on one of its threads. */
    private void read(TrackedFile tracked) {
        template.send(READ_ROUTE, ExchangePattern.InOnly,
                exchange -> exchange.setProperty(ReadingProperties.FILE, tracked));
    }

    // --- reading ---------------------------------------------------------------------------------------------------

    /** For the reading route: the file's line reader becomes the body, from where reading stopped. */
    public void startReader(Exchange exchange) throws IOException {
        TrackedFile tracked = fileOf(exchange);
        JsonlLineReader reader = JsonlLineReader.from(tracked.channel(), tracked.readOffset(), tracked.linesRead(),
                options.maxLineBytes(), budget, () -> stopping || handingOver.contains(tracked),
                () -> quietNow(tracked));
        exchange.setProperty(ReadingProperties.TYPE, tracked.type());
        exchange.setProperty(ReadingProperties.LABEL, tracked.label());
        exchange.getIn().setBody(!handingOver.contains(tracked) && tracked.startReading(reader) ? reader
                : Collections.emptyIterator());
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
        JsonlLineReader reader = exchange.getIn().getBody() instanceof JsonlLineReader r ? r : null;
        if (reader != null) {
            reader.release();
            stats.linesSkipped(tracked.type(), tracked.label(), reader.blankLines());
        }
        if (stopping || handingOver.contains(tracked) || tracked.state().isSettled()) {
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
        announced.keySet().removeIf(path -> !Files.exists(path, LinkOption.NOFOLLOW_LINKS));
        pickUpClaims();
        List<TrackedFile> done = new ArrayList<>();
        List<TrackedFile> failed = new ArrayList<>();
        for (TrackedFile file : files) {
            if (handingOver.contains(file)) {
                continue;
            }
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

    /** Reads a file on from where it stopped, where it lies now: in its folder, moved, or no longer at its path. */
    private void readHere(TrackedFile file) throws IOException {
        if (file.state() == FileState.MOVED) {
            LOG.warn("{} grew after it was moved to {}: the lines written since are read from there and published. "
                    + "Its writer paused for longer than ingestion.file.quiet-period-ms ({} ms): raise it above the "
                    + "writer's longest pause, or have the writer rename complete files into the folder",
                    file.identity(), dataRoot.relativize(file.location()), options.quietPeriodMs());
        } else if (!observe(file).inPlace()) {
            LOG.info("Reading on {} from the file that was picked up: its path no longer holds it", file.identity());
        }
        read(file);
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

    /**
     * These partitions go to another instance. The readers of their files stop at their next line and claims not
     * picked up are dropped. Revoked (a rebalance, or this instance stops): the records already read get up to
     * {@code drain} to be resolved, then each file's checkpoint is saved (in exactly-once mode the caller commits
     * it with the partition's last transaction) and the file is let go, so the next owner resumes it where this one
     * stopped. Lost (this instance was cut off from the group for longer than its session): nothing is waited for or
     * saved, since the next owner may have moved on already.
     */
    public void release(Set<Integer> released, boolean lost, Duration drain) {
        claims.values().removeIf(claim -> released.contains(claim.partition()));
        List<TrackedFile> leaving = files.stream().filter(file -> released.contains(file.partition())).toList();
        handingOver.addAll(leaving);
        List<TrackedFile> unsettled = leaving.stream().filter(file -> !file.state().isSettled()).toList();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(drain.toMillis());
        boolean readersStopped = awaitUntil(() -> unsettled.stream().noneMatch(file -> file.state()
                == FileState.READING), deadline);
        if (!lost) {
            if (!readersStopped || !awaitUntil(() -> unsettled.stream().allMatch(TrackedFile::handedOverCleanly),
                    deadline)) {
                LOG.warn("Handing over files partitions {} before every record of their files was acknowledged "
                        + "({} ms): the next owner sends the unacknowledged ones again", released, drain.toMillis());
            }
            List<Checkpoint> saves = new ArrayList<>();
            unsettled.forEach(file -> checkpointOf(file, false).ifPresent(saves::add));
            checkpoints.saveAndWait(saves, Duration.ofNanos(Math.max(TimeUnit.SECONDS.toNanos(1),
                    deadline - System.nanoTime())));
        }
        for (TrackedFile file : leaving) {
            file.interrupted();
            inFolders.remove(file.location(), file);
            forget(file);
            handingOver.remove(file);
        }
        for (TrackedFile file : unsettled) {
            if (lost) {
                LOG.warn("Let go of {} at line {}: its partition {} was given to another instance while this one was "
                        + "cut off from the group; that instance resumes it after its last checkpoint",
                        file.identity(), file.linesRead(), file.partition());
            } else {
                LOG.info("Handed over {} after line {}: its partition {} goes to another instance, which resumes it "
                        + "there", file.identity(), file.resolvedThrough(), file.partition());
            }
            events.interrupted(file);
        }
        checkpoints.forget(released);
    }

    /** Waits until the condition holds, checking every few milliseconds; false when the deadline came first. */
    private static boolean awaitUntil(BooleanSupplier condition, long deadlineNanos) {
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() >= deadlineNanos) {
                return false;
            }
            try {
                Thread.sleep(HAND_OVER_CHECK_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
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

    private static Object fileKeyOf(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (IOException gone) {
            return null;
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
