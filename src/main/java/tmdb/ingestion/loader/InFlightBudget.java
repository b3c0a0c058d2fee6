package tmdb.ingestion.loader;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the bytes of records read but not yet resolved (published, dead-lettered or failed). The mixing stage
 * queues without limit, so readers wait here instead: memory stays bounded whatever the size of the files and
 * however slow the broker.
 */
public final class InFlightBudget {

    private final int capacity;
    private final Semaphore permits;

    public InFlightBudget(int capacityBytes) {
        this.capacity = capacityBytes;
        this.permits = new Semaphore(capacityBytes);
    }

    /** Blocks until the record fits; returns the permits taken, to be given back with {@link #release(int)}. */
    public int acquire(long recordBytes) throws InterruptedException {
        int wanted = (int) Math.max(1, Math.min(recordBytes, capacity));
        permits.acquire(wanted);
        return wanted;
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
