package tmdb.ingestion;

/**
 * Names of the exchange properties a record carries through the pipeline; internal, never sent to Kafka. No dots,
 * so that the simple language can name them.
 */
public final class RecordProperties {

    /** The record's type, e.g. {@code movie}. */
    public static final String TYPE = "ingestionType";
    /** The record's label, e.g. {@code change}. */
    public static final String LABEL = "ingestionLabel";
    /** The {@link tmdb.ingestion.file.TrackedFile} the record was read from. */
    public static final String FILE = "ingestionFile";
    /** The {@link tmdb.ingestion.loader.SourceLine} the record was read as (line number, length). */
    public static final String SOURCE_LINE = "ingestionSourceLine";
    /** Bytes of in-flight budget the record holds until it is resolved. */
    public static final String BUDGET = "ingestionBudget";
    /** The random but stable key the mixing stage orders records by. */
    public static final String MIX_KEY = "ingestionMixKey";
    /** The TMDB id read from the record (a {@code long}). */
    public static final String TMDB_ID = "ingestionTmdbId";
    /** A {@link tmdb.ingestion.preprocessor.RecordParser.Parsed} describing the validated record. */
    public static final String PARSED = "ingestionParsed";
    /** The {@link tmdb.ingestion.preprocessor.Rejection} of a line that will not be published. */
    public static final String REJECTION = "ingestionRejection";
    /** A human explanation of the rejection. */
    public static final String REJECTION_DETAIL = "ingestionRejectionDetail";
    /** The topic the record goes to. */
    public static final String TOPIC = "ingestionTopic";

    private RecordProperties() {
    }
}
