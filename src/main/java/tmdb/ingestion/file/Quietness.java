package tmdb.ingestion.file;

import java.util.concurrent.TimeUnit;

/**
 * How long a file has been unchanged, by the monotonic clock: since this instance first saw it, or last saw its size
 * or modification time change. A modification time is only a hint, and only when it lies in the past: it can make a
 * file count as changed more recently (a write that kept the size, an attribute cache that lags), never as quiet for
 * longer than this instance watched it. So a modification time in the future (a file copied from a host whose clock
 * runs ahead) or a wall clock stepped either way neither keeps a file from settling nor settles it early; the cost is
 * that a file settles a quiet period after it was picked up at the earliest, however old it is.
 */
final class Quietness {

    private static final long NOT_SEEN = Long.MIN_VALUE;

    private long sizeSeen = NOT_SEEN;
    private long modifiedSeen;
    private long changedAtNanos;

    /**
     * Takes an observation and answers how long the file has been unchanged.
     *
     * @param modifiedMillis the file's modification time, epoch milliseconds; {@code -1} when its path no longer
     *                       holds it
     * @param wallMillis     the wall clock now, epoch milliseconds
     */
    long unchangedFor(long size, long modifiedMillis, long nowNanos, long wallMillis) {
        if (sizeSeen == NOT_SEEN || size != sizeSeen || modifiedMillis != modifiedSeen) {
            changedAtNanos = nowNanos;
            sizeSeen = size;
            modifiedSeen = modifiedMillis;
        }
        long watched = nowNanos - changedAtNanos;
        if (modifiedMillis < 0 || modifiedMillis > wallMillis) {
            return watched;
        }
        return Math.min(watched, TimeUnit.MILLISECONDS.toNanos(wallMillis - modifiedMillis));
    }
}
