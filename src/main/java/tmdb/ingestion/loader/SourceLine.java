package tmdb.ingestion.loader;

/**
 * One line of a source file, exactly as read: without its line ending (and, on the first line, without a
 * byte-order mark).
 *
 * @param number      1-based line number in the file
 * @param bytes       the line's bytes; for an oversized line only its first bytes
 * @param length      the line's full length in bytes
 */
public record SourceLine(long number, byte[] bytes, long length) {

    public boolean oversized() {
        return length > bytes.length;
    }
}
