package tmdb.ingestion.config;

/** A setting that is missing or wrong; its message names the property and says what to do. */
public class ConfigurationException extends RuntimeException {

    public ConfigurationException(String property, String problem) {
        super("Property " + property + " " + problem);
    }

    public ConfigurationException(String message) {
        super(message);
    }
}
