package tmdb.ingestion.producer;

import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * When a transactional sender commits: on a thread of its own ("Transactions"), every interval, and sooner when asked
 * ({@link CommitBacklog}); one commit at a time, and an early commit asked again while one waits is asked once.
 */
final class CommitSchedule {

    private final ScheduledExecutorService committer;
    private final Runnable commit;
    private final AtomicBoolean requested = new AtomicBoolean();

    /** Starts committing every {@code intervalMs}; {@code commit} must not throw (a throw would end the schedule). */
    CommitSchedule(Runnable commit, long intervalMs) {
        this.commit = commit;
        committer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "Transactions");
            thread.setDaemon(true);
            return thread;
        });
        committer.scheduleWithFixedDelay(commit, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** Commits on the committer's thread as soon as it is free. Dropped once the schedule is stopped. */
    void soon() {
        if (!requested.compareAndSet(false, true)) {
            return;
        }
        try {
            committer.execute(() -> {
                requested.set(false);
                commit.run();
            });
        } catch (RejectedExecutionException e) {
            // stopped meanwhile: the sender's last commit takes the batch
            requested.set(false);
        }
    }

    /** No more commits are started; waits at most this long for the one under way. True when none is left running. */
    boolean stop(long waitMs) throws InterruptedException {
        committer.shutdown();
        return committer.awaitTermination(waitMs, TimeUnit.MILLISECONDS);
    }
}
