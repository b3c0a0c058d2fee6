package tmdb.ingestion.producer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of the records sent in open transactions, across all the exactly-once senders of this instance: they
 * hold their in-flight budget until their commit. Once they reach three quarters of the budget, a sender commits at
 * its next send instead of waiting for its interval, whatever its own share. A threshold per sender (half the budget)
 * never fired: a window's records go to the senders of their files' partitions, six of them by default, none of which
 * held half the budget alone, and the rate was capped at the budget per commit interval (a 1 GB run took 39 s with
 * commits every second, 14 s with this). Half the budget, shared, fired between the default interval's commits too,
 * for more commits and no more speed.
 */
public final class CommitBacklog {

    private final AtomicLong bytes = new AtomicLong();
    private final long commitAtBytes;

    /** @param commitAtBytes the bytes waiting for their commits that make the next send commit */
    public CommitBacklog(long commitAtBytes) {
        this.commitAtBytes = commitAtBytes;
    }

    /** A sender's records waiting for their commit grew or shrank by this many bytes. */
    void changed(long deltaBytes) {
        bytes.addAndGet(deltaBytes);
    }

    /** True when the records waiting for their commits hold enough of the budget to commit now. */
    boolean full() {
        return bytes.get() >= commitAtBytes;
    }

    /** The bytes of the records waiting for their commits. */
    public long bytes() {
        return bytes.get();
    }
}
