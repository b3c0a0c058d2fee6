package tmdb.ingestion.deadletter;

/** Headers a dead letter carries beside the record's metadata headers; string values. */
public final class DeadLetterHeaders {

    /** The rejection code, e.g. {@code malformed_json}. */
    public static final String REASON = "dead_letter_reason";
    /** A human explanation, e.g. where the JSON broke. */
    public static final String MESSAGE = "dead_letter_message";
    /** The line's full length in bytes. */
    public static final String ORIGINAL_LENGTH = "original_length";
    /** {@code true} when the value holds only the first bytes of the line. */
    public static final String TRUNCATED = "truncated";

    private DeadLetterHeaders() {
    }
}
