package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.checkpoint.Checkpoint;

/**
 * Checkpoints and the end of a file: a file that settles gets its final checkpoint saved first (without the
 * lifecycle waiting for Kafka: the acknowledgement comes back as an event), then it is moved to {@code .done/} (or
 * {@code .error/}), only if its path still holds it and it did not grow meanwhile. Also the progress saved while
 * files are read, and the checkpoints a transaction commits. Part of the lifecycle: only its thread calls it.
 */
final class Settling {

    private static final Logger LOG = LoggerFactory.getLogger(FileLifecycle.class);
    static final String DONE_FOLDER = ".done";
    static final String ERROR_FOLDER = ".error";

    private final LifecycleContext context;

    Settling(LifecycleContext context) {
        this.context = context;
    }

    /** A file settling (or failing) gets its checkpoint saved, unless it waits for a save's or a disposal's answer. */
    void start(TrackedFile file) throws IOException {
        if (file.pending() != PendingAnswer.NONE) {
            return;
        }
        FileAccount account = file.account();
        boolean failing = file.state() == FileState.FAILING;
        if (!failing && !file.moved() && !context.holdsWhatWasRead(file)) {
            file.on(FileEvent.SETTLING_ABANDONED, context.effects);
            return;
        }
        Checkpoint checkpoint = null;
        // an object found ingested by its finished checkpoint keeps that checkpoint as it is: written again, it would
        // live on after a sweep forgot it because its object was gone (stale announcements name deleted objects)
        boolean unchangedObject = file.isObject() && account.ingestedBefore() && !failing;
        if ((failing || !file.moved()) && context.holdsWhatWasRead(file) && !unchangedObject) {
            checkpoint = failing ? (account.linesRead() > 0 ? account.progress(file.identity(), file.content()) : null)
                    : account.completed(file.identity(), file.content());
        }
        if (checkpoint == null) {
            finish(file);
            return;
        }
        file.pending(PendingAnswer.FINAL_CHECKPOINT);
        try {
            context.checkpoints.save(checkpoint).whenComplete((saved, error) -> context.post(() -> saved(file,
                    error)));
        } catch (RuntimeException e) {
            saved(file, e);
        }
    }

    private void saved(TrackedFile file, Throwable error) {
        file.pending(PendingAnswer.NONE);
        if (file.state() != FileState.SETTLING && file.state() != FileState.FAILING) {
            return;
        }
        if (error != null) {
            LOG.warn("Could not save the checkpoint of {}: {}. It is settled once the checkpoint is saved",
                    file.identity(), LifecycleContext.describe(error));
            file.on(FileEvent.SETTLING_ABANDONED, context.effects);
            return;
        }
        finish(file);
    }

    private void finish(TrackedFile file) {
        FileObservation observation;
        try {
            observation = context.observe(file);
        } catch (IOException e) {
            observation = new FileObservation(-1, false, -1);
        }
        if (file.state() == FileState.FAILING) {
            failed(file, observation);
        } else {
            done(file, observation);
        }
    }

    private void done(TrackedFile file, FileObservation observation) {
        FileAccount account = file.account();
        if (file.isObject()) {
            dispose(file, true);
            return;
        }
        if (observation.inPlace() && !file.moved()) {
            if (account.hasUnread(observation.size()) || !context.holdsWhatWasRead(file)) {
                file.on(FileEvent.SETTLING_ABANDONED, context.effects);
                return;
            }
            Path target = move(file, DONE_FOLDER);
            if (target != null) {
                file.movedTo(target, context.clock.nanoTime());
                context.table.leftPath(file);
                file.on(FileEvent.MOVED, context.effects);
                if (account.ingestedBefore()) {
                    LOG.info("{} was ingested completely before (its checkpoint says so): moved to {} without "
                            + "sending it again", file.identity(), context.relative(target));
                } else {
                    LOG.info("Done {}: {}; moved to {}", file.identity(), account.summary(), context.relative(target));
                }
                return;
            }
            LOG.info("Done {}: {}; it could not be moved (see above)", file.identity(), account.summary());
        } else if (file.moved()) {
            LOG.info("Done {} again: {}; it stays in {}, watched for a quiet period more", file.identity(),
                    account.summary(), context.relative(file.location()));
            file.movedTo(file.location(), context.clock.nanoTime());
            file.on(FileEvent.MOVED, context.effects);
            return;
        } else {
            LOG.warn("Done {}: {}. It was not moved: {}", file.identity(), account.summary(),
                    Files.exists(file.location()) ? "another file was put under its name while it was "
                            + "read (the collector reused the name); that file is read on its own next"
                            : "it vanished from its folder (deleted or moved by someone else) while it was read");
        }
        file.on(FileEvent.SETTLED_IN_PLACE, context.effects);
        context.forget(file);
    }

    /**
     * A failed file goes to {@code .error/}, also from {@code .done/} when late lines read there failed (with its
     * checkpoint saved, as any failed file's): what stays in {@code .done/} was published whole.
     */
    private void failed(TrackedFile file, FileObservation observation) {
        if (file.isObject()) {
            dispose(file, false);
            return;
        }
        Path from = file.location();
        Path target = observation.inPlace() ? move(file, ERROR_FOLDER) : null;
        if (target != null) {
            file.location(target);
            file.on(FileEvent.MOVED, context.effects);
        } else {
            file.on(FileEvent.SETTLED_IN_PLACE, context.effects);
        }
        String where;
        if (target != null) {
            where = "moved " + (file.moved() ? "from " + context.relative(from) + " " : "") + "to "
                    + context.relative(target);
        } else {
            where = file.moved() ? "it stays in " + context.relative(from) : "not moved";
        }
        LOG.error("Failed {}: {}; {}", file.identity(), file.account().summary(), where);
        context.forget(file);
    }

    /**
     * An object settles where its bucket's disposal puts it (left, deleted, moved): requests to the store run off the
     * lifecycle's thread, and their answer comes back as an event. Its final checkpoint is saved already, so one that
     * could not be deleted or moved is found ingested when it is claimed again, and disposed of then.
     */
    private void dispose(TrackedFile file, boolean ingested) {
        CompletableFuture<String> disposal = context.check.bucket().orElseThrow().disposal()
                .dispose(file.object(), ingested);
        if (disposal.isDone()) {
            String where = null;
            Throwable error = null;
            try {
                where = disposal.join();
            } catch (CompletionException | CancellationException e) {
                error = e;
            }
            disposed(file, ingested, where, error);
            return;
        }
        file.pending(PendingAnswer.DISPOSAL);
        disposal.whenComplete((where, error) -> context.post(() -> {
            file.pending(PendingAnswer.NONE);
            FileState expected = ingested ? FileState.SETTLING : FileState.FAILING;
            if (file.state() == expected) {
                disposed(file, ingested, where, error);
            } else {
                LOG.info("{} was let go while its bucket was asked to dispose of it: {}", file.identity(),
                        error == null ? "it was " + where : LifecycleContext.describe(error));
            }
        }));
    }

    private void disposed(TrackedFile file, boolean ingested, String where, Throwable error) {
        FileAccount account = file.account();
        String failure = error == null ? null : LifecycleContext.message(error);
        if (!ingested) {
            LOG.error("Failed {}: {}; {}", file.identity(), account.summary(), failure == null ? where
                    : failure + ". It was left in its bucket");
        } else if (failure != null) {
            LOG.warn("Done {}: {}. {}. It was left in its bucket; its checkpoint says it was ingested, so it is "
                    + "disposed of again when it is claimed again (at the next start, or when another instance takes "
                    + "its partition)", file.identity(), account.summary(), failure);
        } else if (account.ingestedBefore()) {
            LOG.info("{} was ingested completely before (its checkpoint says so): not sent again; {}",
                    file.identity(), where);
        } else {
            LOG.info("Done {}: {}; {}", file.identity(), account.summary(), where);
        }
        file.on(FileEvent.SETTLED_IN_PLACE, context.effects);
        context.forget(file);
    }

    /** Moves the file beside itself into the named folder; null when it could not (said in the log). */
    private Path move(TrackedFile file, String folderName) {
        try {
            return context.moves.move(file.location(), file.folder().resolve(folderName));
        } catch (IOException e) {
            if (file.moved()) {
                LOG.error("Could not move {} from {} to {}/: {}. Lines written to it after its move were not all "
                        + "delivered: move it back into its folder by hand, where under its own name it resumes after "
                        + "line {}", file.identity(), context.relative(file.location()), folderName,
                        LifecycleContext.describe(e), file.account().resolvedThrough());
            } else {
                LOG.error("Could not move {} to {}/: {}. Remove or move it by hand, or it will be read again when it "
                        + "changes or at the next start", file.identity(), folderName, LifecycleContext.describe(e));
            }
            return null;
        }
    }

    /** Saves the progress of every file being read that moved since its last checkpoint. */
    void saveProgress() {
        for (TrackedFile file : context.table.files()) {
            FileState state = file.state();
            boolean reading = state == FileState.READ_REQUESTED || state == FileState.READING
                    || state == FileState.CAUGHT_UP || state == FileState.READ_FAILED;
            if (!reading || file.moved() || file.content() == null || !context.holdsWhatWasRead(file)) {
                continue;
            }
            try {
                file.account().progressToSave(file.identity(), file.content()).ifPresent(checkpoint ->
                        context.checkpoints.save(checkpoint).whenComplete((saved, error) -> {
                            if (error != null) {
                                LOG.debug("Could not save the progress of {}: {}", checkpoint.file(),
                                        error.getMessage());
                            }
                        }));
            } catch (IOException e) {
                LOG.warn("Could not compute the checkpoint of {}: {}", file.identity(), LifecycleContext.describe(e));
            }
        }
    }

    /**
     * The checkpoints the files of a transaction's records reach once it is committed. A file let go (or whose
     * checkpoint for its next reader is saved already) is gone: its records are not committed, the next reader sends
     * them, as that checkpoint says.
     */
    CommitCheckpoints assuming(Map<SourceFile, Set<Long>> linesByFile) {
        Map<SourceFile, Checkpoint> checkpoints = new HashMap<>();
        Set<SourceFile> gone = new HashSet<>();
        linesByFile.forEach((source, lines) -> {
            TrackedFile file = context.table.get(source);
            if (file == null || file.state() == FileState.INTERRUPTED || file.state() == FileState.DROPPED
                    || file.handedOverCheckpoint()) {
                gone.add(source);
            } else if (file.state() != FileState.REWRITTEN && !file.moved() && context.holdsWhatWasRead(file)) {
                try {
                    checkpoints.put(source, file.account().progressAssuming(file.identity(), file.content(), lines));
                } catch (IOException e) {
                    LOG.warn("Could not compute the checkpoint of {}: {}", file.identity(),
                            LifecycleContext.describe(e));
                    gone.add(source);
                }
            }
        });
        return new CommitCheckpoints(checkpoints, gone);
    }
}
