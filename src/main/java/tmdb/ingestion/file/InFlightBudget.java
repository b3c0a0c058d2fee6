package tmdb.ingestion.file;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounds the bytes readers hold beyond their fixed buffers: buffers grown for long lines, and the lines read but
 * not yet resolved (published, dead-lettered or failed). The mixing stage queues without limit, so readers wait here
 * instead: memory stays bounded whatever the size of the files and lines, and however slow the broker. A line longer
 * than the budget takes all of it: it waits until nothing else is in flight.
 * <p>
 * No reader waits here while it holds permits, but the one that grows a buffer for a long line: readers grow buffers
 * one at a time ({@link #largeLines()}), and the permits are handed out in order of request, so that a long line is
 * not starved by short ones. Several readers each holding part of what their lines need, and waiting for the rest,
 * would wait for each other forever.
 */
public final class InFlightBudget {

    /** The value of {@code ingestion.in-flight.max-bytes} that sizes the budget from the heap. */
    public static final String AUTOMATIC = "auto";

    private static final long AUTOMATIC_MAX_BYTES = 16L << 20;

    private final int capacity;
    private final Semaphore permits;
    private final ReentrantLock largeLines = new ReentrantLock(true);

    public InFlightBudget(int capacityBytes) {
        this.capacity = capacityBytes;
        this.permits = new Semaphore(capacityBytes, true);
    }

    /** A budget that never makes anyone wait, for tools that read a file alone. */
    public static InFlightBudget unbounded() {
        return new InFlightBudget(Integer.MAX_VALUE);
    }

    /**
     * The capacity {@link #AUTOMATIC} stands for: a 32nd of the heap the JVM may grow to, at most 16 MiB. Records
     * in flight live just long enough to be copied by young collections; on a small heap that copying took more
     * CPU than the rest of the pipeline gained from a bigger budget (1 GB under {@code -Xmx256m}: 35 to 42 s of CPU
     * with 16 MiB, 31 to 37 s with 8 MiB; 4 MiB starved the producer).
     */
    public static int automaticCapacity(long maxHeapBytes) {
        return (int) Math.min(AUTOMATIC_MAX_BYTES, maxHeapBytes / 32);
    }

    public int capacity() {
        return capacity;
    }

    /**
     * The permits a record of this many bytes holds: its size, at least 1, at most the whole budget (a record
     * larger than the budget waits until nothing else is in flight).
     */
    public int share(long recordBytes) {
        return (int) Math.max(1, Math.min(recordBytes, capacity));
    }

    /** Blocks until this many permits (shares of records, at most the capacity together) are free, and takes them. */
    public void acquire(int shares) throws InterruptedException {
        permits.acquire(shares);
    }

    /** Takes this many permits if they are free now and nobody waits for permits before. */
    public boolean tryAcquire(int shares) {
        try {
            return permits.tryAcquire(shares, 0, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Held by the one reader that grows a buffer for a line longer than a small buffer. */
    public ReentrantLock largeLines() {
        return largeLines;
    }

    public void release(int taken) {
        permits.release(taken);
    }

    public long bytesInFlight() {
        return (long) capacity - permits.availablePermits();
    }

    /** Waits until nothing is in flight, at most the given time; true when everything was resolved. */
    public boolean awaitDrained(long timeout, TimeUnit unit) throws InterruptedException {
        if (!permits.tryAcquire(capacity, timeout, unit)) {
            return false;
        }
        permits.release(capacity);
        return true;
    }
}
