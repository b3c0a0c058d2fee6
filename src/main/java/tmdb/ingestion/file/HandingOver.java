package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.checkpoint.Checkpoint;

/**
 * Letting files go: when their partitions go to another instance, or the application stops. Their readers stop at
 * their next line and the records already read get until a deadline to be resolved; then each file's checkpoint is
 * saved for whoever reads it next, and the file is let go. A moved file still watched is let go like the others: if
 * it got lines that are not all resolved, it is put back into its folder with its checkpoint, so that they are read
 * (not dropped). Partitions lost (this instance was cut off for longer than its session) are let go at once, with
 * nothing saved: their next owner may have moved on already. Part of the lifecycle: only its thread calls it.
 */
final class HandingOver {

    private static final Logger LOG = LoggerFactory.getLogger(FileLifecycle.class);

    private final LifecycleContext context;
    private final Claims claims;
    private final List<HandOver> pending = new ArrayList<>();

    /** One hand-over under way: its files, until when their records may take, and its answer. */
    private static final class HandOver {
        final List<TrackedFile> files;
        final Set<Integer> partitions;
        final long deadlineNanos;
        final long saveNanos;
        final boolean stop;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        boolean saving;
        boolean finished;

        HandOver(List<TrackedFile> files, Set<Integer> partitions, long deadlineNanos, long saveNanos, boolean stop) {
            this.files = files;
            this.partitions = partitions;
            this.deadlineNanos = deadlineNanos;
            this.saveNanos = saveNanos;
            this.stop = stop;
        }
    }

    HandingOver(LifecycleContext context, Claims claims) {
        this.context = context;
        this.claims = claims;
    }

    /**
     * These partitions go to another instance: their files are let go, within {@code drain} unless lost. Lost, they
     * are let go at once, also those a hand-over under way holds; handed over, the answer also waits for the
     * hand-overs under way that hold some of them.
     */
    CompletableFuture<Void> release(Set<Integer> partitions, boolean lost, Duration drain) {
        claims.released(partitions);
        Predicate<TrackedFile> ofThesePartitions = file -> partitions.contains(file.source().partition());
        List<TrackedFile> leaving = releaseFiles(ofThesePartitions);
        if (lost) {
            leaving.forEach(file -> letGo(file, true, false));
            // a hand-over under way (the stop's) must not save checkpoints over what the next owner commits: cut
            // off while it waits for records, nothing of them is saved (once it saves, what it sent is sent)
            for (HandOver handOver : pending) {
                List<TrackedFile> cutOff = handOver.files.stream().filter(ofThesePartitions).toList();
                handOver.files.removeAll(cutOff);
                cutOff.forEach(file -> letGo(file, true, false));
            }
            context.checkpoints.forget(partitions);
            check();
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Void>> underWay = new ArrayList<>();
        for (HandOver handOver : pending) {
            if (handOver.files.stream().anyMatch(ofThesePartitions)) {
                underWay.add(handOver.done);
            }
        }
        underWay.add(begin(new HandOver(leaving, new TreeSet<>(partitions), deadline(drain),
                Math.max(TimeUnit.SECONDS.toNanos(1), drain.toNanos()), false)));
        return CompletableFuture.allOf(underWay.toArray(CompletableFuture[]::new));
    }

    /** The application stops: every file is let go, its records given {@code drain}, its checkpoint {@code save}. */
    CompletableFuture<Void> stop(Duration drain, Duration save) {
        context.stopping = true;
        claims.stop();
        return begin(new HandOver(releaseFiles(file -> true), Set.of(), deadline(drain), save.toNanos(), true));
    }

    private long deadline(Duration drain) {
        return context.clock.nanoTime() + drain.toNanos();
    }

    private List<TrackedFile> releaseFiles(Predicate<TrackedFile> which) {
        List<TrackedFile> leaving = new ArrayList<>();
        for (TrackedFile file : context.table.files()) {
            if (which.test(file) && file.state() == FileState.REWRITTEN) {
                context.forget(file);
            } else if (which.test(file) && FileTransitions.allows(file.state(), FileEvent.RELEASED)) {
                file.cancelReader();
                context.table.unqueue(file);
                file.on(FileEvent.RELEASED, context.effects);
                leaving.add(file);
            }
        }
        return leaving;
    }

    private CompletableFuture<Void> begin(HandOver handOver) {
        pending.add(handOver);
        context.postAfter(Duration.ofNanos(Math.max(0, handOver.deadlineNanos - context.clock.nanoTime())),
                this::check);
        check();
        return handOver.done;
    }

    /** Goes on with each hand-over whose records are resolved, or whose time is up. */
    void check() {
        for (HandOver handOver : List.copyOf(pending)) {
            if (handOver.saving) {
                continue;
            }
            boolean drained = handOver.files.stream().noneMatch(file -> file.readerActive()
                    || file.account().outstanding() > 0);
            if (!drained && context.clock.nanoTime() < handOver.deadlineNanos) {
                continue;
            }
            if (!drained) {
                LOG.warn("{} before every record of their files was resolved: the unacknowledged ones are sent again "
                        + "by whoever reads the files next", handOver.stop ? "Stopping"
                        : "Handing over files partitions " + handOver.partitions);
            }
            handOver.saving = true;
            context.postAfter(Duration.ofNanos(handOver.saveNanos), () -> finish(handOver,
                    new TimeoutException("no answer within " + TimeUnit.NANOSECONDS.toMillis(handOver.saveNanos)
                            + " ms")));
            List<CompletableFuture<Void>> saves = new ArrayList<>();
            for (TrackedFile file : handOver.files) {
                saves.add(saveForNextReader(file));
            }
            CompletableFuture.allOf(saves.toArray(CompletableFuture[]::new))
                    .whenComplete((saved, error) -> context.post(() -> finish(handOver, error)));
        }
    }

    /**
     * The checkpoint of a file for its next reader. A moved file with lines not all resolved goes back into its
     * folder first, under its own name (its checkpoint's key): when another file took that name meanwhile, it stays in
     * {@code .done/} and the log says which lines are unread.
     */
    private CompletableFuture<Void> saveForNextReader(TrackedFile file) {
        try {
            FileAccount account = file.account();
            String identity = file.identity();
            if (file.moved()) {
                if (!lateLines(file)) {
                    return CompletableFuture.completedFuture(null);
                }
                Path back = file.folder().resolve(Path.of(identity).getFileName().toString());
                try {
                    Files.move(file.location(), back);
                } catch (FileAlreadyExistsException taken) {
                    LOG.error("{} got lines after it was moved to {}, and not all of them were delivered; it cannot go "
                            + "back into its folder, where another file has its name now. The lines after line {} of "
                            + "{} are not ingested: move it into the folder under a new name to ingest them (its "
                            + "lines before are sent again)", identity, context.relative(file.location()),
                            account.resolvedThrough(), context.relative(file.location()));
                    return CompletableFuture.completedFuture(null);
                }
                file.location(back);
                file.putBack();
                file.checkpointHandedOver();
                LOG.warn("Put {} back into its folder: lines were written to it after it was moved to {}/, and not "
                        + "all of them were delivered; whoever reads the folder next resumes it after line {}",
                        identity, Settling.DONE_FOLDER, account.resolvedThrough());
            } else if (file.pending() == PendingAnswer.DISPOSAL || account.ingestedBefore()) {
                // its finished checkpoint stands (one for a next reader would say it is unfinished): whoever reads it
                // next finds it ingested, or gone
                return CompletableFuture.completedFuture(null);
            } else if (account.linesRead() == 0 && account.resumedFrom().isEmpty()) {
                return CompletableFuture.completedFuture(null);
            } else if (!context.holdsWhatWasRead(file)) {
                LOG.warn("{} was rewritten in place while it was let go: no checkpoint is saved, and whoever reads it "
                        + "next reads its new content from its start", file.identity());
                return CompletableFuture.completedFuture(null);
            }
            Checkpoint checkpoint = account.progress(identity, file.content());
            file.checkpointHandedOver();
            return context.checkpoints.save(checkpoint);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not save the checkpoint of {}: {}", file.identity(), LifecycleContext.describe(e));
            return CompletableFuture.completedFuture(null);
        }
    }

    private void finish(HandOver handOver, Throwable error) {
        if (handOver.finished) {
            return;
        }
        handOver.finished = true;
        if (error != null) {
            LOG.warn("Could not save every checkpoint of the files let go ({}): whoever reads them next may resume "
                    + "some from an earlier checkpoint (records sent twice, none lost)",
                    LifecycleContext.describe(error));
        }
        handOver.files.forEach(file -> letGo(file, false, handOver.stop));
        if (!handOver.stop) {
            context.checkpoints.forget(handOver.partitions);
        }
        pending.remove(handOver);
        handOver.done.complete(null);
    }

    /**
     * True when lines written to a moved file are not all published or dead-lettered: unread, in flight, or not
     * delivered (the next reader sends those again, as it would a file's in its folder).
     */
    private static boolean lateLines(TrackedFile file) {
        try {
            FileAccount account = file.account();
            return account.hasUnread(file.content().size()) || account.outstanding() > 0
                    || account.anyNotDelivered();
        } catch (IOException e) {
            return true;
        }
    }

    private void letGo(TrackedFile file, boolean lost, boolean stop) {
        boolean movedAndDone = file.moved() && !file.wasPutBack();
        FileAccount account = file.account();
        if (movedAndDone) {
            if (lost && lateLines(file)) {
                LOG.warn("{} got lines after it was moved to {}, and this instance was cut off from the group before "
                        + "they were all read and delivered: those stay there. Move the file back into its folder under "
                        + "a new name to ingest them (its lines read before are sent again)", file.identity(),
                        context.relative(file.location()));
            }
            file.on(FileEvent.SETTLED_IN_PLACE, context.effects);
        } else {
            file.on(FileEvent.LET_GO, context.effects);
            if (lost) {
                LOG.warn("Let go of {} at line {}: its partition {} was given to another instance while this one was "
                        + "cut off from the group; that instance resumes it after its last checkpoint",
                        file.identity(), account.linesAdmitted(), file.source().partition());
            } else if (account.ingestedBefore() || file.pending() == PendingAnswer.DISPOSAL) {
                LOG.info("Let go of {} before it settled: its checkpoint says it was ingested completely, and stays as "
                        + "it is", file.identity());
            } else if (stop) {
                LOG.warn("Stopped while reading {} at line {}: the file was left in place; the next start resumes it "
                        + "after line {}", file.identity(), account.linesAdmitted(), account.resolvedThrough());
            } else {
                LOG.info("Handed over {} after line {}: its partition {} goes to another instance, which resumes it "
                        + "there", file.identity(), account.resolvedThrough(), file.source().partition());
            }
        }
        context.forget(file);
    }
}
