package tmdb.ingestion.record;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the bytes of records read but not yet resolved (published, dead-lettered or failed). The mixing stage
 * queues without limit, so readers wait here instead: memory stays bounded whatever the size of the files and
 * however slow the broker.
 */
public final class InFlightBudget {

    /** The value of {@code ingestion.in-flight.max-bytes} that sizes the budget from the heap. */
    public static final String AUTOMATIC = "auto";

    private static final long AUTOMATIC_MAX_BYTES = 16L << 20;

    private final int capacity;
    private final Semaphore permits;

    public InFlightBudget(int capacityBytes) {
        this.capacity = capacityBytes;
        this.permits = new Semaphore(capacityBytes);
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
