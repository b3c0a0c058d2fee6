package tmdb.ingestion.file;

/**
 * Where a reader stopped, as it tells the lifecycle.
 *
 * @param linesRead   the number of the last line it read, blank ones included
 * @param bytesRead   where the next line starts
 * @param blankLines  blank lines it skipped
 * @param sizeSeen    the file's size where its data ended
 * @param stoppedEarly true when it stopped because it was asked to (or found the file rewritten), before the end
 * @param head        the file's first bytes as the reader read them (see {@link JsonlLineReader#headRead()}), or null
 */
public record ReadEnd(long linesRead, long bytesRead, long blankLines, long sizeSeen, boolean stoppedEarly,
                      byte[] head) {

    /** What a reader tells when it could not be made or broke off: only its blank lines count. */
    public static ReadEnd broken(long blankLines) {
        return new ReadEnd(-1, -1, blankLines, -1, true, null);
    }

    /** Where a reader stopped, as it says itself. */
    public static ReadEnd of(JsonlLineReader reader) {
        return new ReadEnd(reader.linesRead(), reader.bytesRead(), reader.blankLines(), reader.endOfData(),
                reader.stoppedEarly(), reader.headRead());
    }

    public boolean broken() {
        return linesRead < 0;
    }
}
