package tmdb.ingestion.producer;

/**
 * Names of the exchange properties a window carries through its send rounds; internal, never sent to Kafka. No
 * dots, so that the simple language can name them.
 */
public final class SendProperties {

    /** The records of a window sent in the last round, whose outcomes are read after it. */
    public static final String SENT = "ingestionSent";
    /** The records of a window the last round did not take (a paced window goes out in slices). */
    public static final String NOT_SENT = "ingestionNotSent";
    /** Rounds of a window's send that had records to retry. */
    public static final String RETRY_ROUND = "ingestionRetryRound";
    /** Milliseconds to wait before a window's records that failed are sent again (0: none to retry). */
    public static final String RETRY_DELAY = "ingestionRetryDelay";

    private SendProperties() {
    }
}
