package tmdb.ingestion.config;

/** Whether the application keeps watching its folders or stops once what is there is delivered. */
public enum RunMode {
    /** Keep polling: files dropped later are ingested too. */
    WATCH,
    /** Ingest the files present, wait until every record is acknowledged, print the summary and exit. */
    ONCE;

    /** Derived from {@code ingestion.mode}: true in a once run, for the routes that only a once run needs. */
    public static final String ONCE_PROPERTY = "ingestion.once";
}
