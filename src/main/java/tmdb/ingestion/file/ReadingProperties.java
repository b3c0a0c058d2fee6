package tmdb.ingestion.file;

/**
 * Names of the exchange properties that say which file an exchange's lines come from; internal, never sent to
 * Kafka. No dots, so that the simple language can name them.
 */
public final class ReadingProperties {

    /** The type of the folder a file was listed in, e.g. {@code movie}. */
    public static final String TYPE = "ingestionType";
    /** The label of the folder a file was listed in, e.g. {@code change}. */
    public static final String LABEL = "ingestionLabel";
    /** The {@link ReadGrant} being read. */
    public static final String GRANT = "ingestionGrant";

    private ReadingProperties() {
    }
}
