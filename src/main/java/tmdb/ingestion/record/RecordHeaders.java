package tmdb.ingestion.record;

/** Names of the headers set on every record; they travel as Kafka record headers (string values). */
public final class RecordHeaders {

    public static final String DATA_TYPE = "data_type";
    public static final String DATA_LABEL = "data_label";
    public static final String SOURCE_FILE = "source_file";
    public static final String SOURCE_LINE = "source_line";
    public static final String RUN_ID = "run_id";
    public static final String INGEST_TIME = "ingest_time";
    /** The event time written into the value's {@code timestamp} field. */
    public static final String TIMESTAMP = "timestamp";

    private RecordHeaders() {
    }
}
