package tmdb.ingestion.config;

import java.util.Locale;

/**
 * What becomes of an object of the bucket once it is read ({@code ingestion.source.s3.after-ingest}). A failed object
 * is never deleted: it is left, or moved under {@code .error/} when ingested objects are moved.
 */
public enum AfterIngest {
    /** Left where it is (read-only buckets): its finished checkpoint remembers it while it stays. */
    LEAVE,
    /** Deleted once its last record is delivered and its checkpoint saved. */
    DELETE,
    /** Copied under {@code .done/} beside itself (a failed one under {@code .error/}), then deleted. */
    MOVE;

    static AfterIngest parse(String value) {
        for (AfterIngest mode : values()) {
            if (mode.name().toLowerCase(Locale.ROOT).equals(value.trim().toLowerCase(Locale.ROOT))) {
                return mode;
            }
        }
        throw new ConfigurationException("ingestion.source.s3.after-ingest", "must be leave, delete or move, not '"
                + value + "'");
    }
}
