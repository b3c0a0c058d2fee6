package tmdb.ingestion.file;

/**
 * One line of a source file, exactly as read: without its line ending (and, on the first line, without a
 * byte-order mark).
 *
 * @param number      1-based line number in the file
 * @param bytes       the line's bytes; for an oversized line only its first bytes
 * @param length      the line's full length in bytes
 * @param offset      where the line starts in the file, in bytes
 * @param nextOffset  where the next line starts: the offset to resume from once this line is resolved
 * @param permits     the in-flight budget its bytes hold, given back when its record is resolved
 */
public record SourceLine(long number, byte[] bytes, long length, long offset, long nextOffset, int permits) {

    /** A line that holds no budget. */
    public SourceLine(long number, byte[] bytes, long length, long offset, long nextOffset) {
        this(number, bytes, length, offset, nextOffset, 0);
    }

    /** A line whose place in the file does not matter (tests, tools). */
    public SourceLine(long number, byte[] bytes, long length) {
        this(number, bytes, length, 0, 0, 0);
    }

    public boolean oversized() {
        return length > bytes.length;
    }
}
