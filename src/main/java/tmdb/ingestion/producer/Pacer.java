package tmdb.ingestion.producer;

import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import tmdb.ingestion.record.InstantText;
import tmdb.ingestion.record.Record;

/**
 * Releases records to Kafka, one by one as the sender takes them, stamping each with its {@code ingest_time} (to the
 * microsecond, so that the release order shows). To replay data as a live stream would arrive, it can hold the
 * release to a steady rate: one record every {@code 1/rate} seconds, across all windows, types and labels, on an
 * absolute schedule so that the mean rate holds even when a single wait is imprecise. A paced window is sent in
 * slices of a tenth of a second's worth, each acknowledged before the next, so that records settle as they go out;
 * the gap a slice's acknowledgement leaves is made up at the next one, but a longer pause (nothing to send) is not:
 * the release never bursts more than a slice's worth. A rate of 0 releases records as fast as they come, a whole
 * window at once.
 */
public final class Pacer {

    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final long intervalNanos;
    private long next = System.nanoTime();

    public Pacer(int recordsPerSecond) {
        this.intervalNanos = recordsPerSecond <= 0 ? 0 : 1_000_000_000L / recordsPerSecond;
    }

    /** How many of the records waiting in a window go out in the next send. */
    public int sliceOf(int waiting) {
        return intervalNanos == 0 ? waiting : (int) Math.max(1, Math.min(waiting, SLICE_NANOS / intervalNanos));
    }

    /** The records, each released (paced and stamped) when the sender takes it; released ones pass as they are. */
    public Iterable<Record> released(List<Record> records) {
        return () -> new Iterator<>() {
            private int index;

            @Override
            public boolean hasNext() {
                return index < records.size();
            }

            @Override
            public Record next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Record record = records.get(index++);
                if (!record.isReleased()) {
                    if (intervalNanos > 0) {
                        awaitTurn();
                    }
                    Instant now = Instant.now();
                    record.released(InstantText.ofEpochMicro(now.getEpochSecond() * 1_000_000L + now.getNano() / 1000));
                }
                return record;
            }
        };
    }

    private synchronized void awaitTurn() {
        long now = System.nanoTime();
        next = Math.max(next, now - SLICE_NANOS);
        while (now < next) {
            LockSupport.parkNanos(next - now);
            now = System.nanoTime();
        }
        next += intervalNanos;
    }
}
