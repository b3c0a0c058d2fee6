package tmdb.ingestion.file;

import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files to readers and back: the files waiting for a reader get one, in order, {@code ingestion.read.files-at-once}
 * at a time (so the reading route's queue never holds more, and never refuses one), at most one reader per file; a
 * reader's chunks and its end are taken into the file's account. Part of the lifecycle: only its thread calls it.
 */
final class Reading {

    private static final Logger LOG = LoggerFactory.getLogger(FileLifecycle.class);
    private static final long QUEUE_FULL_WARNING_NANOS = 60_000_000_000L;

    private final LifecycleContext context;
    private long lastQueueFullWarning = Long.MIN_VALUE;

    Reading(LifecycleContext context) {
        this.context = context;
    }

    /** Gives readers to the files waiting for one, while readers are free. */
    void dispatch() {
        FileTable table = context.table;
        while (!context.stopping && table.readers() < context.options.filesAtOnce()) {
            TrackedFile file = table.nextToRead();
            if (file == null) {
                return;
            }
            if (file.state() != FileState.READ_REQUESTED || !file.readableNow()) {
                continue;
            }
            FileAccount account = file.account();
            AtomicBoolean cancelled = new AtomicBoolean();
            ReadGrant grant = new ReadGrant(file.source(), file.content(), account.readOffset(), account.linesRead(),
                    file.quietSize(), account.resumedFrom().orElse(null),
                    file.head() == null ? null : file.head().bytes(), cancelled, file.format());
            if (!context.readers.offer(grant)) {
                table.readFirst(file);
                long now = context.clock.nanoTime();
                if (now - lastQueueFullWarning > QUEUE_FULL_WARNING_NANOS) {
                    lastQueueFullWarning = now;
                    LOG.warn("The reading route did not take {}: it is offered again at the next check",
                            file.identity());
                }
                return;
            }
            if (file.format().compressed()) {
                account.readingCompressed(file.quietSize());
            }
            file.readerGiven(cancelled);
            table.readerStarted();
            file.on(FileEvent.READER_STARTED, context.effects);
        }
    }

    /**
     * A chunk of the file's lines went on. A file that ended here meanwhile (rewritten, say) still counts them, so
     * that it is forgotten only once their outcomes are in. The first bytes its reader read by then are known from now
     * on: a checkpoint of these lines names the content they were read from.
     */
    void admitted(SourceFile source, AdmittedLines lines) {
        TrackedFile file = context.table.get(source);
        if (file != null) {
            file.account().admitted(lines);
            if (file.head() != null && !file.state().ended()) {
                file.head().readerSaw(lines.head());
            }
        }
    }

    /** The file's reader stopped at the end of the data, or where it was asked to. */
    void ended(SourceFile source, ReadEnd end) {
        TrackedFile file = readerEnded(source, end);
        if (file != null && file.state() == FileState.READING) {
            file.on(FileEvent.READ_ENDED, context.effects);
        }
        dispatch();
    }

    /** The file's reader broke off: the file fails once the records read before are resolved. */
    void failed(SourceFile source, ReadEnd end, String reason) {
        TrackedFile file = readerEnded(source, end);
        if (file != null && file.state() == FileState.READING) {
            file.account().readFailed(reason);
            file.on(FileEvent.READ_FAILED, context.effects);
            LOG.error("Reading {} failed after line {}: {}", file.identity(), file.account().linesRead(), reason);
        }
        dispatch();
    }

    private TrackedFile readerEnded(SourceFile source, ReadEnd end) {
        TrackedFile file = context.table.get(source);
        if (file == null || !file.readerActive()) {
            return null;
        }
        file.readerDone();
        context.table.readerEnded();
        file.account().readEnded(end);
        if (file.state().ended()) {
            context.forget(file);
        } else if (file.head() != null) {
            file.head().readerSaw(end.head());
        }
        return file;
    }
}
