package tmdb.ingestion.file;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.apache.camel.support.service.ServiceSupport;
import tmdb.ingestion.checkpoint.CheckpointStore;
import tmdb.ingestion.checkpoint.FilePartitions;
import tmdb.ingestion.content.StoredObject;

/**
 * The one owner of every file's lifecycle: each file's state ({@link FileState}), the claims, the read requests, the
 * hand-overs and the checkpoints to save are changed by the lifecycle's thread only ({@link LifecycleThread}), from
 * events. The folders' listing, the group's consumer, the readers, the senders and the timers call the methods here,
 * which post events and return at once (or wait for an answer, where one is asked for); they never touch the state,
 * and the state needs no locks. What others may read is published as immutable snapshots ({@link #snapshot()},
 * {@link #listed()}).
 * <p>
 * The parts: {@link Claims} (files coming in; {@link ObjectClaims}, objects coming in), {@link Reading} (files to readers and back), {@link Stepping} (the
 * tick: each file's next step), {@link Settling} (checkpoints, moves), {@link HandingOver} (letting files go).
 */
public final class FileLifecycle extends ServiceSupport {

    /** How long a caller waits for an answer the lifecycle owes it before it gives up (and tries again later). */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    /**
     * How files are read and when they settle.
     *
     * @param maxLineBytes  the longest line kept; a longer one is dead-lettered ({@code ingestion.max-line-bytes})
     * @param chunkLines    the lines of a chunk, at most ({@code ingestion.read.chunk-lines})
     * @param chunkBytes    the bytes of a chunk, at most, unless a line is longer ({@code ingestion.read.chunk-bytes})
     * @param quietPeriodMs how long a file read to its end must be unchanged to settle
     *                      ({@code ingestion.file.quiet-period-ms})
     * @param filesAtOnce   files read at once ({@code ingestion.read.files-at-once})
     */
    public record Options(int maxLineBytes, int chunkLines, long chunkBytes, long quietPeriodMs, int filesAtOnce) {
    }

    private final LifecycleContext context;
    private final Claims claims;
    private final ObjectClaims objects;
    private final Reading reading;
    private final Settling settling;
    private final Stepping stepping;
    private final HandingOver handingOver;
    private final AtomicBoolean tickQueued = new AtomicBoolean();
    private final AtomicBoolean saveQueued = new AtomicBoolean();
    private volatile FilesSnapshot snapshot = FilesSnapshot.EMPTY;

    public FileLifecycle(Options options, ClaimCheck check, CheckpointStore checkpoints, FilePartitions partitions,
                         FileMoves moves, ReadDispatch readers, FileStatusEvents events, AnnouncementEnds announcements,
                         IngestionStats stats, LifecycleClock clock, LifecycleThread thread) {
        context = new LifecycleContext(options, clock, thread, check, checkpoints, partitions, moves, readers, events,
                announcements, stats);
        Opening opening = new Opening(context);
        objects = new ObjectClaims(context, opening);
        claims = new Claims(context, objects, opening);
        reading = new Reading(context);
        settling = new Settling(context);
        stepping = new Stepping(context, claims, settling);
        handingOver = new HandingOver(context, claims);
        context.afterEvent(() -> {
            if (context.effects.takeChanged()) {
                publish();
            }
        });
    }

    public Options options() {
        return context.options;
    }

    // --- the folders' listing ----------------------------------------------------------------------------------------

    /** Asks whether a file a folder lists is to be announced: checked, and not announced while its path holds it. */
    public boolean announce(Path file, String type, String label) {
        Path path = file.toAbsolutePath().normalize();
        return ask(() -> claims.announce(path, type, label), false);
    }

    /** The announcement of a file could not be sent: it is announced again at the next listing. */
    public void announcementFailed(Path file) {
        Path path = file.toAbsolutePath().normalize();
        post(() -> claims.announcementFailed(path));
    }

    /**
     * Asks which of the objects a whole pass of the bucket's listing found are to be announced: checked, and not
     * announced already with the same ETag. Empty when the lifecycle did not answer (it is stopping, or busy for
     * longer than a caller waits).
     */
    public Optional<List<ListedObject>> objectsToAnnounce(List<ListedObject> pass) {
        List<ListedObject> listed = List.copyOf(pass);
        return Optional.ofNullable(ask(() -> objects.toAnnounce(listed), null));
    }

    /** The announcement of a listed object was sent: it is not announced again while it keeps its ETag. */
    public void objectAnnounced(StoredObject object) {
        post(() -> objects.announced(object));
    }

    /** The paths listed so far and the file keys they held: what the folders' filter passes over. */
    public Map<Path, Object> listed() {
        return claims.listedView();
    }

    // --- the group -----------------------------------------------------------------------------------------------

    /** These files partitions are this instance's now, their checkpoints read: their announcements follow. */
    public void assigned(Set<Integer> partitions) {
        Set<Integer> taken = Set.copyOf(partitions);
        post(() -> claims.assigned(taken));
    }

    /** A file announced in a partition this instance owns. */
    public void claim(Claim claim) {
        post(() -> {
            claims.claim(claim);
            reading.dispatch();
        });
    }

    /**
     * The tombstone of an announcement in a partition this instance owns: a file of that path held here is announced
     * again (see {@link Claims#tombstoned}).
     */
    public void tombstoned(String identity, int partition) {
        post(() -> claims.tombstoned(identity, partition));
    }

    /**
     * These partitions go to another instance (lost: this one was cut off from the group): the answer completes once
     * their files are let go, their checkpoints saved.
     */
    public CompletableFuture<Void> release(Set<Integer> partitions, boolean lost, Duration drain) {
        Set<Integer> leaving = Set.copyOf(partitions);
        return answer(() -> handingOver.release(leaving, lost, drain));
    }

    // --- the readers and the senders -----------------------------------------------------------------------------

    public void admitted(SourceFile file, AdmittedLines lines) {
        post(() -> reading.admitted(file, lines));
    }

    public void readEnded(SourceFile file, ReadEnd end) {
        post(() -> {
            reading.ended(file, end);
            stepping.afterRead(file);
            reading.dispatch();
            handingOver.check();
        });
    }

    /**
     * A reader broke off. A failure met in content that was replaced meanwhile (a compressed file rewritten while it
     * was decompressed) is not the file's: its reading ended early, and the new content is read as a new file.
     */
    public void readBrokeOff(ReadGrant grant, ReadEnd end, String reason) {
        if (grant.stillTheContentRead(null, 0)) {
            readFailed(grant.file(), end, reason);
        } else {
            readEnded(grant.file(), end);
        }
    }

    public void readFailed(SourceFile file, ReadEnd end, String reason) {
        post(() -> {
            reading.failed(file, end, reason);
            handingOver.check();
        });
    }

    /** How the records of a window ended, by file. */
    public void resolved(Map<SourceFile, FileOutcomes> outcomes) {
        post(() -> {
            outcomes.forEach((source, fileOutcomes) -> {
                TrackedFile file = context.table.get(source);
                if (file != null) {
                    file.account().resolve(fileOutcomes);
                }
            });
            handingOver.check();
        });
    }

    /** The checkpoints the files of a transaction's records reach once it commits (see {@link CommitCheckpoints}). */
    public CompletableFuture<CommitCheckpoints> checkpointsAssuming(Map<SourceFile, Set<Long>> linesByFile) {
        return answer(() -> CompletableFuture.completedFuture(settling.assuming(linesByFile)));
    }

    // --- the timers and the stop ---------------------------------------------------------------------------------

    /** Observes every file and takes its next step; a tick still queued makes another unnecessary. */
    public void tick() {
        if (tickQueued.compareAndSet(false, true)) {
            post(() -> {
                tickQueued.set(false);
                stepping.tick();
                reading.dispatch();
                handingOver.check();
                publish();
            });
        }
    }

    /** Saves the progress of the files being read (at-least-once: their periodic checkpoints). */
    public void saveProgress() {
        if (saveQueued.compareAndSet(false, true)) {
            post(() -> {
                saveQueued.set(false);
                settling.saveProgress();
            });
        }
    }

    /**
     * The application stops: no file is picked up any more, every reader stops at its next line, and every file is
     * let go as in a hand-over (its records given {@code drain}, its checkpoint {@code save}); the answer completes
     * then.
     */
    public CompletableFuture<Void> stopIngesting(Duration drain, Duration save) {
        return answer(() -> handingOver.stop(drain, save));
    }

    /** The Camel context stops, after the application's stop let every file go: the lifecycle's thread ends. */
    @Override
    protected void doStop() {
        context.thread.shutdown();
    }

    // --- what others may read --------------------------------------------------------------------------------------

    public FilesSnapshot snapshot() {
        return snapshot;
    }

    /**
     * The id of the last file claimed (see {@link SourceFile#id}): ids only grow, so a file claimed after this was read
     * has a greater one.
     */
    public long lastClaimId() {
        return context.table.lastId();
    }

    /**
     * What is left to do here, said for a person: announcements of this instance waiting for their claims, claims
     * waiting to be opened, files not settled (with their states); empty when nothing is. Asked, not read from a
     * snapshot: a once run ends on it.
     */
    public List<String> whatIsLeft() {
        return ask(() -> {
            List<String> left = new ArrayList<>(claims.pendingReasons());
            List<String> unsettled = context.table.files().stream().filter(file -> file.state().unsettled())
                    .map(file -> file.identity() + " (" + file.state() + ")").sorted().toList();
            if (!unsettled.isEmpty()) {
                left.add("files to settle: " + unsettled);
            }
            return left;
        }, List.of("an answer of the file lifecycle"));
    }

    private void publish() {
        snapshot = new FilesSnapshot(context.table.files().stream()
                .filter(file -> file.content() != null && !file.state().ended()).map(TrackedFile::view).toList());
    }

    /** Posts an event; the snapshot is published again after any event that moved a file to another state. */
    private boolean post(Runnable event) {
        return context.post(event);
    }

    /** Runs the question on the lifecycle's thread and waits for its answer; the fallback when none comes in time. */
    private <T> T ask(Supplier<T> question, T fallback) {
        if (context.thread.isCurrent()) {
            return question.get();
        }
        CompletableFuture<T> answer = new CompletableFuture<>();
        if (!post(() -> answer(question, answer))) {
            return fallback;
        }
        try {
            return answer.get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return fallback;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback;
        }
    }

    private static <T> void answer(Supplier<T> question, CompletableFuture<T> answer) {
        try {
            answer.complete(question.get());
        } catch (RuntimeException e) {
            answer.completeExceptionally(e);
        }
    }

    /**
     * Runs the action on the lifecycle's thread; its future is the answer (failed at once when the lifecycle has
     * stopped, so that nobody waits for an answer that cannot come).
     */
    private <T> CompletableFuture<T> answer(Supplier<CompletableFuture<T>> action) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        boolean posted = post(() -> {
            try {
                action.get().whenComplete((value, error) -> {
                    if (error != null) {
                        answer.completeExceptionally(error);
                    } else {
                        answer.complete(value);
                    }
                });
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        if (!posted) {
            answer.completeExceptionally(new IllegalStateException("the file lifecycle has stopped"));
        }
        return answer;
    }
}
