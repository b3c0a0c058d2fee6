package tmdb.ingestion.record;

import java.util.Locale;

/** Why a line is not published to its type's topic but dead-lettered. */
public enum Rejection {
    /** Not valid JSON: truncated, garbage, invalid UTF-8 or control bytes, or content after the object. */
    MALFORMED_JSON,
    /** Valid JSON, but not an object. */
    NOT_AN_OBJECT,
    /** The object has no id field for its type. */
    ID_MISSING,
    /** The id field is not an integer (nor a string of digits, which is normalised). */
    ID_NOT_INTEGER,
    /** The detail field is {@code null}: TMDB had no such record. */
    DETAIL_NULL,
    /** The detail field is TMDB's error object ({@code success: false}, {@code status_code}). */
    DETAIL_ERROR,
    /** The line is longer than {@code ingestion.max-line-bytes}. */
    LINE_TOO_LONG,
    /** The broker (or the producer's {@code max.request.size}) refused the record as too large. */
    RECORD_TOO_LARGE;

    /** The code used in logs, summaries and dead-letter headers, e.g. {@code malformed_json}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
