package tmdb.ingestion.producer;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * Logs at most a given number of warnings per second; the rest are counted and reported in the next line that
 * gets through, so a file of a million bad lines cannot flood the log.
 */
final class RateLimitedLog {

    private final Logger log;
    private final int perSecond;
    private final AtomicLong window = new AtomicLong();
    private final AtomicLong usedInWindow = new AtomicLong();
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedLog(Logger log, int perSecond) {
        this.log = log;
        this.perSecond = perSecond;
    }

    void warn(String format, Object... arguments) {
        long second = System.currentTimeMillis() / 1000;
        long current = window.get();
        if (current != second && window.compareAndSet(current, second)) {
            usedInWindow.set(0);
        }
        if (usedInWindow.incrementAndGet() > perSecond) {
            suppressed.incrementAndGet();
            return;
        }
        long skipped = suppressed.getAndSet(0);
        if (skipped > 0) {
            log.warn("({} similar warnings suppressed)", skipped);
        }
        log.warn(format, arguments);
    }
}
