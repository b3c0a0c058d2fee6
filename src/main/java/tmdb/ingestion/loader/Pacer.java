package tmdb.ingestion.loader;

import java.util.concurrent.locks.LockSupport;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Releases the mixed records at a steady rate, to replay data as a live stream would arrive: one record every
 * {@code 1/rate} seconds, across all types and labels, on an absolute schedule so that the mean rate holds even
 * when a single wait is imprecise. After a pause (nothing to send) it does not burst to catch up. A rate of 0
 * releases records as fast as they come.
 */
public final class Pacer implements Processor {

    private final long intervalNanos;
    private long next = System.nanoTime();

    public Pacer(int recordsPerSecond) {
        this.intervalNanos = recordsPerSecond <= 0 ? 0 : 1_000_000_000L / recordsPerSecond;
    }

    @Override
    public void process(Exchange exchange) {
        if (intervalNanos > 0) {
            awaitTurn();
        }
    }

    private synchronized void awaitTurn() {
        long now = System.nanoTime();
        next = Math.max(next, now - intervalNanos);
        while (now < next) {
            LockSupport.parkNanos(next - now);
            now = System.nanoTime();
        }
        next += intervalNanos;
    }
}
