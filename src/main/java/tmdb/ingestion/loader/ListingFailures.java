package tmdb.ingestion.loader;

import java.util.concurrent.TimeUnit;

/**
 * What the log says of a bucket that cannot be listed: the first failure at once, then, while the failures go on
 * (every pass fails again), once a minute with how long it has lasted; and once it is listed again, that it is. A
 * listing that fails every 10 s for an hour says so 61 times rather than 360.
 */
final class ListingFailures {

    private static final long REMINDER_NANOS = TimeUnit.MINUTES.toNanos(1);

    private long failingSince = Long.MIN_VALUE;
    private long saidAt;

    /** A pass failed with this message: the line to log now, or null when it was said less than a minute ago. */
    String failed(String message, long nowNanos) {
        if (failingSince == Long.MIN_VALUE) {
            failingSince = nowNanos;
            saidAt = nowNanos;
            return message + ". Nothing is announced until it is listed again (tried at every pass; said again once a "
                    + "minute while it fails)";
        }
        if (nowNanos - saidAt < REMINDER_NANOS) {
            return null;
        }
        saidAt = nowNanos;
        return message + " (failing for " + TimeUnit.NANOSECONDS.toSeconds(nowNanos - failingSince) + " s)";
    }

    /** A pass listed the bucket: the line to log when it had failed before, or null. */
    String listed(long nowNanos) {
        if (failingSince == Long.MIN_VALUE) {
            return null;
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(nowNanos - failingSince);
        failingSince = Long.MIN_VALUE;
        return "The bucket is listed again, after " + seconds + " s of failed listings";
    }
}
