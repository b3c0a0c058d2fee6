package tmdb.ingestion.config;

/**
 * Kafka did not answer in time: at the start of a once run an error (the run ends with status 2), while a watch-mode
 * service starts a reason to wait and try again.
 */
public final class KafkaNotReachableException extends ConfigurationException {

    public KafkaNotReachableException(String message) {
        super(message);
    }
}
