package tmdb.ingestion.file;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * At every tick, each file is observed on disk and takes its next step: read on when it has new lines, settle once
 * every line is resolved and it has been quiet long enough, fail once its records are resolved after a failure, end
 * the watch of a moved file; and a file whose content was replaced in place is read again from its start as a new
 * file. Part of the lifecycle: only its thread calls it.
 */
final class Stepping {

    private static final Logger LOG = LoggerFactory.getLogger(FileLifecycle.class);

    private final LifecycleContext context;
    private final Claims claims;
    private final Settling settling;

    Stepping(LifecycleContext context, Claims claims, Settling settling) {
        this.context = context;
        this.claims = claims;
        this.settling = settling;
    }

    void tick() {
        claims.prune();
        claims.openWaiting();
        for (TrackedFile file : context.table.files()) {
            try {
                step(file);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Could not check {}: {}", file.identity(), LifecycleContext.describe(e));
            }
        }
    }

    /**
     * A reader of the file ended: the file is checked at once, since it may have been cut and written again while it
     * was read (the next tick could find it grown past what was read, and take the new bytes for more lines), and
     * stepped at once: a reader that read a slice of it leaves the rest to the next grant, queued now behind the
     * other files rather than at the next tick.
     */
    void afterRead(SourceFile source) {
        TrackedFile file = context.table.get(source);
        if (file == null || file.state().ended() || file.content() == null) {
            return;
        }
        try {
            if (file.state() == FileState.CAUGHT_UP) {
                caughtUp(file);
            } else if (!file.moved()) {
                rewrittenIfSo(file, context.observe(file));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not check {}: {}", file.identity(), LifecycleContext.describe(e));
        }
    }

    private void step(TrackedFile file) throws IOException {
        switch (file.state()) {
            case READ_REQUESTED, READING -> {
                FileObservation observation = context.observe(file);
                context.quiet(file, observation);
                if (!rewrittenIfSo(file, observation) && file.state() == FileState.READ_REQUESTED) {
                    readWhenReadable(file);
                }
            }
            case CAUGHT_UP -> caughtUp(file);
            case READ_FAILED -> {
                if (file.account().outstanding() == 0) {
                    file.on(FileEvent.RESOLVED_WITH_FAILURES, context.effects);
                    settling.start(file);
                }
            }
            case SETTLING, FAILING -> settling.start(file);
            case MOVED -> watchMoved(file);
            case REWRITTEN -> {
                if (file.account().outstanding() == 0) {
                    context.forget(file);
                }
            }
            default -> { }
        }
    }

    /** A compressed file waiting for a reader gets one once it is quiet. */
    private void readWhenReadable(TrackedFile file) {
        if (file.readableNow()) {
            context.table.queueIfNotQueued(file);
        }
    }

    private void caughtUp(TrackedFile file) throws IOException {
        FileObservation observation = context.observe(file);
        boolean quiet = context.quiet(file, observation);
        if (rewrittenIfSo(file, observation)) {
            return;
        }
        FileAccount account = file.account();
        long size = observation.size();
        if (account.mayRead(size, quiet)) {
            if (!observation.inPlace() && !file.moved() && file.firstReadAwayFromItsPath()) {
                LOG.info("Reading on {} from the file that was picked up: its path no longer holds it",
                        file.identity());
            }
            file.on(FileEvent.GREW, context.effects);
            context.table.queueForReading(file);
        } else if (account.outstanding() > 0) {
            return;
        } else if (account.anyNotDelivered() || account.readFailure() != null) {
            file.on(FileEvent.RESOLVED_WITH_FAILURES, context.effects);
            settling.start(file);
        } else if (quiet && !account.hasUnread(size)) {
            file.on(FileEvent.RESOLVED_AND_QUIET, context.effects);
            settling.start(file);
        }
    }

    /** A moved file is read on when it gets late lines, and no longer watched after a quiet period more. */
    private void watchMoved(TrackedFile file) throws IOException {
        FileObservation observation = context.observe(file);
        boolean quiet = context.quiet(file, observation);
        FileAccount account = file.account();
        long size = observation.size();
        if (account.compressedChangedSince(size) || file.turnedCompressed(size)) {
            LOG.warn("{} changed after it was read and moved to {}, and is compressed: a compressed file is read once "
                    + "it is complete, so its new content is not read from there. Rename it back into its folder to "
                    + "ingest it as a new file (and have its writer write it elsewhere and rename it in, or raise "
                    + "ingestion.file.quiet-period-ms above the time its compressor writes nothing)", file.identity(),
                    context.relative(file.location()));
            file.on(FileEvent.WATCH_ENDED, context.effects);
            context.forget(file);
        } else if (account.mayRead(size, quiet)) {
            LOG.warn("{} grew after it was moved to {}: the lines written since are read from there and published. "
                    + "Its writer paused for longer than ingestion.file.quiet-period-ms ({} ms): raise it above the "
                    + "writer's longest pause, or have the writer rename complete files into the folder",
                    file.identity(), context.relative(file.location()), context.options.quietPeriodMs());
            file.on(FileEvent.LATE_LINES, context.effects);
            context.table.queueForReading(file);
        } else if (context.clock.nanoTime() - file.movedAtNanos() >= context.quietNanos) {
            file.on(FileEvent.WATCH_ENDED, context.effects);
            context.forget(file);
        }
    }

    /**
     * A file in its folder whose first bytes changed, or that shrank below what was read, holds new content: the old
     * account ends, and a new one reads the file from its start.
     */
    private boolean rewrittenIfSo(TrackedFile file, FileObservation observation) throws IOException {
        if (!observation.inPlace() || file.moved() || file.head() == null
                || !FileTransitions.allows(file.state(), FileEvent.REWRITTEN)
                || file.head().stillMatches(file.content(), file.account().bytesHeld())
                && !file.account().compressedChangedSince(observation.size())
                && !file.turnedCompressed(observation.size())) {
            return false;
        }
        if (file.format().compressed() || file.turnedCompressed(observation.size())) {
            LOG.warn("{} changed after it was read: a compressed file is read once it is complete, so its new content "
                    + "is read from its start as a new file. The {} records published from its former content stay "
                    + "published", file.identity(), file.account().published());
        } else {
            LOG.warn("{} was rewritten in place (its first bytes changed, or it shrank below the {} bytes read): its new "
                + "content is read from its start as a new file. The {} records published from its former content "
                + "stay published", file.identity(), file.account().bytesAdmitted(), file.account().published());
        }
        file.cancelReader();
        file.on(FileEvent.REWRITTEN, context.effects);
        context.table.leftPath(file);
        context.table.unqueue(file);
        TrackedFile next = context.table.claim(file.claim(), file.location());
        next.startAfresh();
        if (file.account().outstanding() == 0) {
            context.forget(file);
        }
        claims.openWaiting();
        return true;
    }
}
