package tmdb.ingestion.group;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files and the work of owned partitions that the group gives to another member, let go in the order the next
 * owner relies on. Lost (this instance was cut off for longer than its session): the partitions' work ends first,
 * committing nothing more, and only then are their files let go as they are, so that no record of theirs still on its
 * way is committed after the next owner read their checkpoints. Revoked: their files are let go first (the records
 * already read resolved, their checkpoints saved, within the drain), and only then is the work handed over, so that
 * the checkpoints the next owner reads are final.
 */
final class FilesHandOver {

    private static final Logger LOG = LoggerFactory.getLogger(FilesHandOver.class);

    /** How the files of partitions are let go ({@code FileLifecycle.release}). */
    @FunctionalInterface
    interface Release {
        CompletableFuture<Void> release(Set<Integer> partitions, boolean lost, Duration drain);
    }

    /** How long one wait for a release that outlived the patience lasts, at most, before the caller looks again. */
    private static final long AWAIT_SLICE_MS = 1000;

    private final Release files;
    private final PartitionWork work;
    private final Duration drain;
    private final Duration patience;
    /**
     * The releases that outlived the patience, by partition: such a release forgets the partition's checkpoints when
     * it ends, which must not come after the partition, given back, had them read again.
     */
    private final Map<Integer, CompletableFuture<Void>> stillLettingGo = new ConcurrentHashMap<>();

    /**
     * @param drain    how long a revoked partition's records get to be acknowledged
     * @param patience how long the hand-over waits for the files to be let go before it goes on without them (the
     *                 next owner then resumes them from their last checkpoints)
     */
    FilesHandOver(Release files, PartitionWork work, Duration drain, Duration patience) {
        this.files = files;
        this.work = work;
        this.drain = drain;
        this.patience = patience;
    }

    /** The patience the group uses: twice the drain, and five seconds for saving the checkpoints. */
    static Duration patienceFor(Duration drain) {
        return drain.multipliedBy(2).plusSeconds(5);
    }

    void lost(Set<Integer> partitions) {
        work.lose(partitions);
        letGo(partitions, true);
    }

    void revoked(Set<Integer> partitions) {
        letGo(partitions, false);
        work.hand(partitions);
    }

    /**
     * Waits a little for the files of these partitions to be let go, where a release of theirs outlived the patience;
     * throws when one is still under way (the caller, which checks whether it should go on, tries again).
     */
    void awaitLetGo(Set<Integer> partitions) {
        for (int partition : partitions) {
            CompletableFuture<Void> released = stillLettingGo.get(partition);
            if (released == null) {
                continue;
            }
            try {
                released.get(Math.min(patience.toMillis(), AWAIT_SLICE_MS), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                LOG.debug("The files of partition {} were let go at the stop already: {}", partition, e.getMessage());
            } catch (TimeoutException e) {
                throw new IllegalStateException("files partition " + partition + " is still being let go here (its "
                        + "hand-over outlived the group's wait)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while files partition " + partition + " is let go");
            }
        }
    }

    private void letGo(Set<Integer> partitions, boolean lost) {
        CompletableFuture<Void> released = files.release(partitions, lost, drain);
        try {
            released.get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            LOG.debug("The files of partitions {} were let go at the stop already: {}", partitions, e.getMessage());
        } catch (TimeoutException e) {
            LOG.warn("The files of partitions {} were not all let go in time: the next owner resumes them from their "
                    + "last checkpoints", partitions);
            remember(partitions, released);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            remember(partitions, released);
        }
    }

    private void remember(Set<Integer> partitions, CompletableFuture<Void> released) {
        partitions.forEach(partition -> stillLettingGo.put(partition, released));
        released.whenComplete((ignored, error) -> partitions.forEach(
                partition -> stillLettingGo.remove(partition, released)));
    }
}
