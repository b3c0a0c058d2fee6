package tmdb.ingestion.preprocessor;

/** How the {@code timestamp} field of a record is chosen. */
public enum TimestampPolicy {
    /**
     * A stable draw from the label's event-time window (see {@code DATA-NOTES}): the same record always gets the
     * same instant for a given seed, and a {@code change} is always later than the {@code old} version.
     */
    EVENT_WINDOW,
    /** The wall-clock time the record is processed, to the millisecond. */
    PROCESSING_TIME
}
