package tmdb.ingestion.checkpoint;

import java.time.Duration;
import java.time.Instant;

/**
 * How long the checkpoint of a finished file is kept: what tells the same file, dropped again under its name, from a
 * new one. Past the retention it is tombstoned and forgotten, and such a file is ingested again.
 *
 * @param retention {@code ingestion.checkpoint.done-retention}
 */
public record DoneRetention(Duration retention) {

    /** The longest retention taken: longer ones are a mistake (and would overflow the instants they count from). */
    public static final Duration LONGEST = Duration.ofDays(3650);

    /** True when a finished checkpoint written then is to be forgotten now. */
    boolean expired(Instant written, Instant now) {
        return written.plus(retention).isBefore(now);
    }
}
