package tmdb.ingestion.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;

import tmdb.ingestion.content.Content;

/**
 * Streams the lines of a JSONL file from a byte offset to the current end of the file, line by line or in chunks
 * ({@link LineChunks}). Handles what collectors leave behind: a UTF-8 byte-order mark, CRLF endings, a missing final
 * newline; blank lines are skipped and counted, so line numbers stay those of the file. It reads by position through
 * its {@link ReadBuffer}, finds each line there ({@link LineSpan}), and takes its bytes, with the budget they hold,
 * from its {@link LineBytes}.
 * <p>
 * A file may still be written while it is read: bytes after the last newline are a line only when the data ends
 * exactly at {@code finalSize}, the size at which the file's owner found it quiet; otherwise the reader ends before
 * them, and the next reader resumes at {@link #bytesRead()} once the rest of the line has arrived. The reader ends
 * early, without error, when {@code stopRequested} turns true. It never closes the content (the file's owner does);
 * the thread that read calls {@link #release()} when it is done with it.
 */
public final class JsonlLineReader implements Iterator<SourceLine> {

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    /** The {@code finalSize} that takes an unterminated last line wherever the data ends (a file known complete). */
    public static final long ANY_SIZE = Long.MAX_VALUE;

    private final ReadBuffer in;
    private final InFlightBudget budget;
    private final BooleanSupplier stopRequested;
    /** Whether the file is still the one read, up to a byte: a chunk is handed over only while it is. */
    private LongPredicate stillTheContentRead = readUpTo -> true;
    private boolean stoppedEarly;
    /** Where the next line starts; read by the metrics from another thread. */
    private volatile long bytesConsumed;
    private final long startedAt;

    private final LineBytes line;
    /** A line read into the buffer and not handed over yet (its copy waits for budget). */
    private final LineSpan span;
    private long lineNumber;
    private long blankLines;

    private SourceLine next;

    private JsonlLineReader(ContentSource source, long offset, long linesBefore, int maxLineBytes,
                            InFlightBudget budget, BooleanSupplier stopRequested, long finalSize, byte[] knownHead)
            throws IOException {
        this.in = new ReadBuffer(source, offset, knownHead);
        this.line = new LineBytes(budget, maxLineBytes);
        this.span = new LineSpan(maxLineBytes, finalSize);
        this.budget = budget;
        this.stopRequested = stopRequested;
        this.lineNumber = linesBefore;
        this.bytesConsumed = offset;
        this.startedAt = offset;
        try {
            in.fill();
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
        if (offset == 0 && in.limit >= 3 && Arrays.equals(in.bytes, 0, 3, UTF8_BOM, 0, 3)) {
            in.position = 3;
            bytesConsumed = 3;
        }
    }

    /**
     * Reads from {@code offset}, a line boundary where line {@code linesBefore + 1} starts (0 and 0: the whole
     * file), to the current end of the content, within the given budget. An unterminated last line is read when the
     * data ends at {@code finalSize} ({@link #ANY_SIZE}: wherever it ends; -1: never).
     */
    public static JsonlLineReader from(Content content, long offset, long linesBefore, int maxLineBytes,
                                       InFlightBudget budget, BooleanSupplier stopRequested, long finalSize)
            throws IOException {
        return new JsonlLineReader(new PlainSource(content), offset, linesBefore, maxLineBytes, budget,
                stopRequested, finalSize, null);
    }

    /** The same, for tools that read a file alone: nothing makes them wait. */
    public static JsonlLineReader from(Content content, long offset, long linesBefore, int maxLineBytes,
                                       BooleanSupplier stopRequested, long finalSize) throws IOException {
        return from(content, offset, linesBefore, maxLineBytes, InFlightBudget.unbounded(), stopRequested,
                finalSize);
    }

    /**
     * The reading of a grant: from where the file's reading stopped, as the lifecycle granted it. It records the
     * file's first bytes as it reads them ({@link #headRead()}), after those the grant knows, so that the lifecycle
     * knows what was read of them, not what is there by the time it asks. A compressed file was found quiet before
     * it was granted: its content ends where its decompressed data does.
     */
    public static JsonlLineReader of(ReadGrant grant, int maxLineBytes, InFlightBudget budget,
                                     BooleanSupplier stopping) throws IOException {
        boolean compressed = grant.format().compressed();
        JsonlLineReader reader = new JsonlLineReader(grant.format().open(grant.content()), grant.offset(),
                grant.linesBefore(), maxLineBytes, budget, () -> stopping.getAsBoolean() || grant.cancelled().get(),
                compressed ? ANY_SIZE : grant.finalSize(), compressed ? null : grant.head());
        reader.stillTheContentRead = readUpTo -> grant.stillTheContentRead(reader.headRead(), readUpTo);
        return reader;
    }

    // --- line by line --------------------------------------------------------------------------------------------

    @Override
    public boolean hasNext() {
        if (next == null && !stoppedEarly) {
            if (stopRequested.getAsBoolean()) {
                stoppedEarly = true;
            } else if (ready(true)) {
                next = takeReady(true);
            }
        }
        return next != null;
    }

    @Override
    public SourceLine next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        SourceLine answer = next;
        next = null;
        return answer;
    }

    // --- in chunks -------------------------------------------------------------------------------------------------

    /**
     * The lines in chunks of at most {@code maxLines} lines and {@code maxBytes} bytes (see {@link LineChunks}); a
     * grant's reader hands each over only while the file still starts with the bytes it read of its start.
     */
    public Iterator<LineChunk> chunks(int maxLines, long maxBytes) {
        return new LineChunks(this, budget, maxLines, maxBytes, stillTheContentRead);
    }

    /** True while lines may follow: the reader holds one, holds bytes, or has not met the end of the data. */
    boolean mayHaveMore() {
        return !stoppedEarly && (span.ready || in.position < in.limit || !in.endOfData);
    }

    /** Checks for a stop request: true (and stopped early) when one came. */
    boolean stopAsked() {
        if (!stoppedEarly && stopRequested.getAsBoolean()) {
            stoppedEarly = true;
        }
        return stoppedEarly;
    }

    /** The bytes kept of the line ready in the buffer. */
    int readyBytes() {
        return span.kept;
    }

    /** True right after a long line was taken with the buffer grown for it (a chunk ends after such a line). */
    boolean tookLongLine() {
        return line.tookLongLine();
    }

    /** Writes where the reading stands into the mark: its line number, its byte, its blank lines. */
    void mark(long[] mark) {
        mark[0] = lineNumber;
        mark[1] = bytesConsumed;
        mark[2] = blankLines;
    }

    /** Goes back to a mark and stops: what was read after it is not handed over. */
    void stopAt(long[] mark) {
        lineNumber = mark[0];
        bytesConsumed = mark[1];
        blankLines = mark[2];
        stoppedEarly = true;
    }

    // --- what was read ---------------------------------------------------------------------------------------------

    /** The number of the last line read, blank ones included: the file's line count once it is read to its end. */
    public long linesRead() {
        return lineNumber;
    }

    /** Where the next line starts (after the byte-order mark, if any). */
    public long bytesRead() {
        return bytesConsumed;
    }

    /** Blank lines this reader skipped. */
    public long blankLines() {
        return blankLines;
    }

    /** True when the reader stopped before the end of the data because the application is stopping. */
    public boolean stoppedEarly() {
        return stoppedEarly;
    }

    /**
     * The file's first bytes (up to {@value ContentHead#HEAD_BYTES}, and no further than what was read) as this
     * reader read them, or null when it does not know them.
     */
    public byte[] headRead() {
        return in.head(bytesConsumed);
    }

    /** The file's size where the data ended, as far as this reader got (where it stopped reading otherwise). */
    public long endOfData() {
        return in.end();
    }

    /** True when the data ended in the middle of a line that may still be being written: it was not read. */
    public boolean endedBeforeUnterminatedLine() {
        return span.endedBeforeUnterminatedLine;
    }

    /** The content's bytes this reader went through: from where it started to where the next line starts. */
    public long contentBytesRead() {
        return bytesConsumed - startedAt;
    }

    /** The file's own bytes it read: the compressed ones for a compressed file (from its start, to resume). */
    public long fileBytesRead() {
        return in.fileBytesRead();
    }

    /**
     * Gives back the budget of the reader's buffer and ends its source (a decompressor's native memory); called by
     * the thread that read, once it is done.
     */
    public void release() {
        line.release();
        span.ready = false;
        in.close();
    }

    // --- reading ---------------------------------------------------------------------------------------------------

    /**
     * Makes the next non-blank line ready in the buffer; false at the end of the data, or, when the reader holds
     * lines it has not handed over ({@code mayWait} false), where the line might need a larger buffer.
     */
    boolean ready(boolean mayWait) {
        try {
            while (!span.ready) {
                line.buffer();
                if (!mayWait && !nextLineFitsBuffer()) {
                    return false;
                }
                if (!span.read(in, line, mayWait)) {
                    return false;
                }
                if (span.isBlank(line.buffer())) {
                    blankLines++;
                    lineNumber++;
                    bytesConsumed = span.end;
                    span.ready = false;
                }
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Hands the ready line over, with the budget it holds; null when its budget is not free and the reader may not
     * wait.
     */
    SourceLine takeReady(boolean mayWait) {
        LineBytes.Taken taken = line.take(span.kept, mayWait);
        if (taken == null) {
            return null;
        }
        lineNumber++;
        bytesConsumed = span.end;
        span.ready = false;
        return new SourceLine(lineNumber, taken.bytes(), span.length, span.start, span.end, taken.permits());
    }

    /** True when the next line ends within the read buffer (or the data does): it needs no larger buffer. */
    private boolean nextLineFitsBuffer() throws IOException {
        if (in.indexOfNewline() >= 0 || in.endOfData) {
            return true;
        }
        in.compactAndFill();
        return in.indexOfNewline() >= 0 || in.endOfData;
    }
}
