package tmdb.ingestion.file;

import java.util.Arrays;

/**
 * The bytes of the line a reader is assembling, and the in-flight budget they hold. A line of up to
 * {@value #SMALL} bytes is assembled in the reader's own buffer and copied out with its own share of the budget; a
 * longer one (up to the longest line kept) grows the buffer, one reader at a time
 * ({@link InFlightBudget#largeLines()}), with the budget for it taken first, and the grown buffer goes with the line
 * (the reader starts afresh with a small one).
 */
final class LineBytes {

    /** Lines up to this long are assembled in the reader's own buffer. */
    static final int SMALL = 64 * 1024;

    /** A line handed over: its bytes, and the budget they hold. */
    record Taken(byte[] bytes, int permits) {
    }

    private final InFlightBudget budget;
    private final int maxLineBytes;
    private byte[] line;
    private int permits;

    LineBytes(InFlightBudget budget, int maxLineBytes) {
        this.budget = budget;
        this.maxLineBytes = maxLineBytes;
    }

    /** The buffer to assemble the next line in. */
    byte[] buffer() {
        if (line == null) {
            line = new byte[SMALL];
        }
        return line;
    }

    /** True right after a long line was handed over with the buffer grown for it. */
    boolean tookLongLine() {
        return line == null;
    }

    /**
     * Makes room for {@code needed} bytes: a line longer than the buffer grows it, one reader at a time, with the
     * budget for it taken first (a line longer than the budget waits for all of it).
     */
    byte[] ensureCapacity(int needed, boolean mayGrow) {
        if (needed <= line.length) {
            return line;
        }
        if (!mayGrow) {
            throw new IllegalStateException("a line that fits the read buffer needed a larger line buffer");
        }
        if (!budget.largeLines().isHeldByCurrentThread()) {
            budget.largeLines().lock();
        }
        int size = Math.min(Math.max(needed, line.length * 2), maxLineBytes);
        acquire(budget.share(size) - permits, true);
        permits = budget.share(size);
        line = Arrays.copyOf(line, size);
        return line;
    }

    /**
     * Hands the assembled line over: a copy of its first {@code kept} bytes with the permits it holds (its own, taken
     * now, or the grown buffer's, which it takes with it); null when its budget is not free and it may not wait.
     */
    Taken take(int kept, boolean mayWait) {
        if (line.length > SMALL) {
            byte[] bytes = kept == line.length ? line : Arrays.copyOf(line, kept);
            int taken = permits;
            line = null;
            permits = 0;
            budget.largeLines().unlock();
            return new Taken(bytes, taken);
        }
        int share = budget.share(kept);
        if (!acquire(share, mayWait)) {
            return null;
        }
        return new Taken(Arrays.copyOf(line, kept), share);
    }

    /** Gives back the budget of a grown buffer; called by the thread that read, once it is done. */
    void release() {
        if (permits > 0) {
            budget.release(permits);
            permits = 0;
        }
        line = null;
        if (budget.largeLines().isHeldByCurrentThread()) {
            budget.largeLines().unlock();
        }
    }

    private boolean acquire(int shares, boolean mayWait) {
        if (budget.tryAcquire(shares)) {
            return true;
        }
        if (!mayWait) {
            return false;
        }
        try {
            budget.acquire(shares);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for in-flight budget", e);
        }
    }
}
