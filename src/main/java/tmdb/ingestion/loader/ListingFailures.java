package tmdb.ingestion.loader;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A bucket that cannot be listed: when to list it again, what the log says, and what readiness shows. After a failed
 * pass the next one waits for the listing interval, doubled at each failure in a row up to a minute (a store that is
 * down is not asked every interval while it lasts). The log says the first failure at once, then, while the failures
 * go on, once a minute with how long it has lasted; and once it is listed again, that it is: a listing that fails for
 * an hour says so 61 times. The failing listing and since when are readiness's, until a pass lists the bucket.
 */
final class ListingFailures {

    private static final long REMINDER_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final long LONGEST_WAIT_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final long intervalNanos;
    private long failingSince = Long.MIN_VALUE;
    private long saidAt;
    private int failuresInARow;
    private long nextListingAt;
    private String lastFailure;

    ListingFailures(long intervalMillis) {
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
    }

    /** True when a pass may list the bucket now: nothing failed, or its back-off has passed. */
    synchronized boolean due(long nowNanos) {
        return failuresInARow == 0 || nowNanos - nextListingAt >= 0;
    }

    /** A pass failed with this message: the line to log now, or null when it was said less than a minute ago. */
    synchronized String failed(String message, long nowNanos) {
        failuresInARow++;
        long wait = Math.max(intervalNanos, Math.min(LONGEST_WAIT_NANOS,
                intervalNanos << Math.min(20, failuresInARow - 1)));
        // the timer's passes come an interval apart, give or take: half an interval early is the pass meant
        nextListingAt = nowNanos + wait - intervalNanos / 2;
        lastFailure = message;
        if (failingSince == Long.MIN_VALUE) {
            failingSince = nowNanos;
            saidAt = nowNanos;
            return message + ". Nothing is announced until it is listed again (tried again after "
                    + TimeUnit.NANOSECONDS.toMillis(wait) + " ms, then at intervals doubled at each failure up to a "
                    + "minute; said again once a minute while it fails)";
        }
        if (nowNanos - saidAt < REMINDER_NANOS) {
            return null;
        }
        saidAt = nowNanos;
        return message + " (failing for " + TimeUnit.NANOSECONDS.toSeconds(nowNanos - failingSince) + " s)";
    }

    /** A pass listed the bucket: the line to log when it had failed before, or null. */
    synchronized String listed(long nowNanos) {
        failuresInARow = 0;
        lastFailure = null;
        if (failingSince == Long.MIN_VALUE) {
            return null;
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(nowNanos - failingSince);
        failingSince = Long.MIN_VALUE;
        return "The bucket is listed again, after " + seconds + " s of failed listings";
    }

    /**
     * The listing stops here (another instance owns files partition 0 now, or the application stops): what failed is
     * no longer this instance's to show, and a listing that starts again starts at once.
     */
    synchronized void reset() {
        failuresInARow = 0;
        lastFailure = null;
        failingSince = Long.MIN_VALUE;
    }

    /** While listings fail: the last failure, for how long they have failed, and when the next listing is. */
    synchronized Optional<String> problem(long nowNanos) {
        if (lastFailure == null) {
            return Optional.empty();
        }
        return Optional.of(lastFailure + " (failing for " + TimeUnit.NANOSECONDS.toSeconds(nowNanos - failingSince)
                + " s; listed again in about " + Math.max(0, TimeUnit.NANOSECONDS.toSeconds(nextListingAt - nowNanos
                + intervalNanos / 2)) + " s)");
    }
}
