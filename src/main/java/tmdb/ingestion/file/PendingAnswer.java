package tmdb.ingestion.file;

/**
 * What a file waits for from outside the lifecycle's thread, at most one thing at a time; the answer comes back as an
 * event. While it waits, the step that asked is not taken again.
 */
enum PendingAnswer {
    /** Nothing asked. */
    NONE,
    /** Kafka's acknowledgement of its final checkpoint (settling or failing). */
    FINAL_CHECKPOINT,
    /** The bucket's answer to deleting or moving an object, its final checkpoint saved. */
    DISPOSAL,
    /** An object claim's first bytes (format, resume point), read by a probe thread. */
    FIRST_BYTES
}
