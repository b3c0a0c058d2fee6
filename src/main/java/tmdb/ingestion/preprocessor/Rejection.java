package tmdb.ingestion.preprocessor;

import java.util.Locale;

/** Why a line is not published to its type's topic. */
public enum Rejection {
    /** Not valid JSON: truncated, garbage, invalid UTF-8 or control bytes, or trailing content. */
    MALFORMED_JSON,
    /** Valid JSON, but not an object. */
    NOT_AN_OBJECT,
    /** The object has no id field for its type. */
    ID_MISSING,
    /** The id field is not an integer. */
    ID_NOT_INTEGER,
    /** The line is longer than the configured maximum. */
    LINE_TOO_LONG;

    /** The code used in logs, summaries and headers, e.g. {@code malformed_json}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
