package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.checkpoint.CheckpointStore;
import tmdb.ingestion.checkpoint.FilePartitions;

/**
 * What the parts of the lifecycle share: the settings, the clocks, the thread, the file table and the services the
 * files' transitions use. Only the lifecycle's thread uses it.
 */
final class LifecycleContext {

    private static final Logger LOG = LoggerFactory.getLogger(FileLifecycle.class);

    final FileLifecycle.Options options;
    final long quietNanos;
    final LifecycleClock clock;
    final LifecycleThread thread;
    final FileTable table = new FileTable();
    final ClaimCheck check;
    final CheckpointStore checkpoints;
    final FilePartitions partitions;
    final FileMoves moves;
    final ReadDispatch readers;
    final TransitionEffects effects;
    final AnnouncementEnds announcements;
    final IngestionStats stats;
    boolean stopping;
    /** Runs after every event: publishes what others may read, when the event changed it. */
    private Runnable afterEvent = () -> { };

    LifecycleContext(FileLifecycle.Options options, LifecycleClock clock, LifecycleThread thread, ClaimCheck check,
                     CheckpointStore checkpoints, FilePartitions partitions, FileMoves moves, ReadDispatch readers,
                     FileStatusEvents events, AnnouncementEnds announcements, IngestionStats stats) {
        this.options = options;
        this.quietNanos = TimeUnit.MILLISECONDS.toNanos(options.quietPeriodMs());
        this.clock = clock;
        this.thread = thread;
        this.check = check;
        this.checkpoints = checkpoints;
        this.partitions = partitions;
        this.moves = moves;
        this.readers = readers;
        this.effects = new TransitionEffects(events, announcements, stats);
        this.announcements = announcements;
        this.stats = stats;
    }

    void afterEvent(Runnable action) {
        afterEvent = action;
    }

    /** Posts an event to the lifecycle's thread (see {@link LifecycleThread}); false once it has stopped. */
    boolean post(Runnable event) {
        return thread.post(() -> {
            event.run();
            afterEvent.run();
        });
    }

    void postAfter(Duration delay, Runnable event) {
        thread.postAfter(delay, () -> {
            event.run();
            afterEvent.run();
        });
    }

    /** A file's path under the data folder, as the messages name it. */
    String relative(Path path) {
        return check.identityOf(path);
    }

    /** The size of the file's opened content, whether its path still holds it, and its modification time. */
    FileObservation observe(TrackedFile file) throws IOException {
        long size = file.content().size();
        if (file.isObject()) {
            return new FileObservation(size, true, -1);
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file.location(), BasicFileAttributes.class);
        } catch (IOException gone) {
            return new FileObservation(size, false, -1);
        }
        boolean inPlace = Objects.equals(attributes.fileKey(), file.fileKey());
        return new FileObservation(size, inPlace, inPlace ? attributes.lastModifiedTime().toMillis() : -1);
    }

    /**
     * True when the observation finds the file quiet (an object always is: it never changes); remembers the size it
     * is quiet at, for its readers.
     */
    boolean quiet(TrackedFile file, FileObservation observation) {
        boolean quiet = file.isObject()
                || file.unchangedFor(observation, clock.nanoTime(), clock.wallMillis()) >= quietNanos;
        file.quietSize(quiet ? observation.size() : -1);
        return quiet;
    }

    /**
     * True while the file still holds the content that was read (its first bytes unchanged, and not shorter than
     * what was read): a checkpoint is taken only then, since its fingerprint is computed from the file as it is now,
     * and one taken of content replaced in place would make the next reader skip lines it never read.
     */
    boolean holdsWhatWasRead(TrackedFile file) {
        try {
            return file.head() == null || file.head().stillMatches(file.content(), file.account().bytesHeld())
                    && !file.account().compressedChangedSince(file.content().size());
        } catch (IOException e) {
            return false;
        }
    }

    /** A claim is dropped before it was opened (its partition went, the application stops, its file is gone). */
    void drop(TrackedFile claim) {
        claim.on(FileEvent.DROPPED, effects);
        forget(claim);
    }

    /** The file's lifecycle ended here: it leaves the table and its content is closed (once no reader holds it). */
    void forget(TrackedFile file) {
        table.forget(file);
        try {
            file.closeWhenUnread();
        } catch (IOException e) {
            LOG.debug("Closing {}: {}", file.identity(), e.getMessage());
        }
    }

    /** The message of what failed, under the future's wrapping: ours say what, where and what became of the data. */
    static String message(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? describe(cause) : cause.getMessage();
    }

    static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
