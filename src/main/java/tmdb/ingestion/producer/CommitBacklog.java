package tmdb.ingestion.producer;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-flight budget held by the records sent in open transactions, across all the exactly-once senders of this
 * instance: records give their budget back at their commit. Once these hold three quarters of the budget, every
 * sender is asked to commit now instead of at its interval. A threshold per sender (half the budget) never fired: a
 * window's records go to the senders of their files' partitions, six of them by default, none of which held half the
 * budget alone, so the rate was capped at the budget per commit interval (a 1 GB run took 39 s with commits every
 * second, 12 s with this). Half the budget, shared, fired between the default interval's commits too, for more
 * commits and no more speed. Every sender commits, not only the one whose send crossed the threshold: a sender whose
 * files stopped sending would otherwise keep the backlog full, and every other send would commit alone.
 */
public final class CommitBacklog {

    private final AtomicLong bytes = new AtomicLong();
    private final long commitAtBytes;
    private final Set<Runnable> commitRequests = ConcurrentHashMap.newKeySet();

    /** @param commitAtBytes the budget held by records waiting for their commits that makes every sender commit */
    public CommitBacklog(long commitAtBytes) {
        this.commitAtBytes = commitAtBytes;
    }

    /** A started sender: asked to commit soon whenever the backlog reaches its threshold. */
    void join(Runnable commitSoon) {
        commitRequests.add(commitSoon);
    }

    /** A stopping sender, whose records no longer count. */
    void leave(Runnable commitSoon) {
        commitRequests.remove(commitSoon);
    }

    /** A sender's records waiting for their commit hold this much more (or less) of the budget. */
    void changed(long deltaBytes) {
        if (bytes.addAndGet(deltaBytes) >= commitAtBytes && deltaBytes > 0) {
            commitRequests.forEach(Runnable::run);
        }
    }

    /** The budget held by the records waiting for their commits. */
    public long bytes() {
        return bytes.get();
    }
}
