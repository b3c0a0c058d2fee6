package tmdb.ingestion.config;

/** What a {@code read_committed} consumer sees after any crash and restart. */
public enum DeliveryGuarantee {
    /** Every line; those sent after the last checkpoint of their file are sent again. */
    AT_LEAST_ONCE,
    /** Every line exactly once: records and their checkpoints are committed in one Kafka transaction. */
    EXACTLY_ONCE;

    /** Derived from {@code ingestion.delivery.guarantee}: true in exactly-once mode, for the send route. */
    public static final String TRANSACTIONAL_PROPERTY = "ingestion.transactional";
}
