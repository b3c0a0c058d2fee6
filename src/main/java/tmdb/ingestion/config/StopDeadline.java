package tmdb.ingestion.config;

import java.time.Duration;

/**
 * The time left to stop in: set when a stop begins ({@code ingestion.shutdown.grace-period-ms}), read by every
 * part that may wait while stopping (the drain, the checkpoint saves, Camel's shutdown, the Kafka clients' close),
 * so that the whole stop fits the grace period a container runtime gives before it kills the process.
 */
public final class StopDeadline {

    private volatile long deadlineNanos;
    private volatile boolean started;

    /** The stop begins now, with this long to finish. */
    public void start(Duration gracePeriod) {
        deadlineNanos = System.nanoTime() + gracePeriod.toNanos();
        started = true;
    }

    public boolean started() {
        return started;
    }

    /** The time left before the deadline (zero once it passed); unbounded while no stop has begun. */
    public Duration remaining() {
        if (!started) {
            return Duration.ofMillis(Long.MAX_VALUE);
        }
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    /** The time left, but no more than the given time (also before the stop started). */
    public Duration remainingAtMost(Duration most) {
        Duration left = remaining();
        return left.compareTo(most) > 0 ? most : left;
    }

    /** The time left, less what later steps of the stop keep for themselves. */
    public Duration remainingLess(Duration kept) {
        Duration left = remaining().minus(kept);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
