package tmdb.ingestion.checkpoint;

import java.time.Instant;
import java.util.List;

/**
 * A finished file's checkpoint as an instance keeps it for {@code ingestion.checkpoint.done-retention}: a year-long
 * run keeps thousands, so it holds numbers rather than objects (the fingerprint as two longs, the write time as
 * epoch milliseconds, the format's one shared name), about a third of a {@link Checkpoint} and its write time.
 *
 * @param writtenAtMillis when it was written, or {@link #NEVER_EXPIRES} for a checkpoint that names no deployment
 */
record FinishedCheckpoint(long size, long fingerprintHigh, long fingerprintLow, long line, long offset,
                          long readUpTo, List<Long> pending, String format, long writtenAtMillis) {

    /** The write time of a checkpoint that is kept for as long as it is in the topic. */
    static final long NEVER_EXPIRES = Long.MIN_VALUE;

    /** A finished checkpoint, consistent (its fingerprint 32 hexadecimal digits), kept in its compact form. */
    static FinishedCheckpoint of(Checkpoint checkpoint, long writtenAtMillis) {
        if (!checkpoint.done()) {
            throw new IllegalArgumentException("not finished: " + checkpoint);
        }
        String fingerprint = checkpoint.fingerprint();
        return new FinishedCheckpoint(checkpoint.size(), Long.parseUnsignedLong(fingerprint, 0, 16, 16),
                Long.parseUnsignedLong(fingerprint, 16, 32, 16), checkpoint.line(), checkpoint.offset(),
                checkpoint.readUpTo(), checkpoint.pending(), checkpoint.format().intern(), writtenAtMillis);
    }

    /** The checkpoint it was made from. */
    Checkpoint checkpoint(String file) {
        return new Checkpoint(file, size, String.format("%016x%016x", fingerprintHigh, fingerprintLow), line, offset,
                readUpTo, pending, true, format);
    }

    /** True once its retention has passed: it is to be tombstoned and forgotten. */
    boolean expired(DoneRetention retention, Instant now) {
        return writtenAtMillis != NEVER_EXPIRES && retention.expired(Instant.ofEpochMilli(writtenAtMillis), now);
    }
}
