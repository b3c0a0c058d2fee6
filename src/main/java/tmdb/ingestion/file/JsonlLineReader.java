package tmdb.ingestion.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;

/**
 * Streams the lines of a JSONL file from a byte offset to the current end of the file, alone or in chunks, with
 * every byte it holds beyond its two fixed 64 KiB buffers counted in the in-flight budget: a buffer grown for a long
 * line, and each line until its record is resolved (the line carries its permits). Handles what collectors leave behind: a UTF-8 byte-order mark, CRLF endings, a
 * missing final newline. Blank and whitespace-only lines are skipped and counted, so line numbers stay those of the
 * file; they take no budget.
 * <p>
 * A line of up to {@value #SMALL_LINE} bytes is read into the reader's own buffer; a longer one (up to
 * {@code maxLineBytes}) grows it, one reader at a time ({@link InFlightBudget#largeLines()}), and takes the grown
 * buffer's permits with it: the reader starts afresh with a small buffer. A reader never waits for budget while it
 * holds lines it has not handed over: a chunk ends where the next line would have to wait.
 * <p>
 * A file may still be written while it is read: bytes after the last newline are a line only when the data ends
 * exactly at {@code finalSize}, the size at which the file's owner found it quiet; otherwise the reader ends before
 * them, and the next reader resumes at {@link #bytesRead()} once the rest of the line has arrived. The reader also
 * ends early, without error, when {@code stopRequested} turns true (the application is stopping). It reads by
 * position ({@link FileChannel#read(ByteBuffer, long)}), so it shares no position with anyone else reading the file;
 * it never closes the channel: the file's owner does; its owner calls {@link #release()} when it is done with it.
 */
public final class JsonlLineReader implements Iterator<SourceLine> {

    /** Lines up to this long are read into the reader's own buffer; longer ones grow it, one reader at a time. */
    static final int SMALL_LINE = 64 * 1024;
    private static final int READ_BUFFER = 1 << 16;
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    /** The {@code finalSize} that takes an unterminated last line wherever the data ends (a file known complete). */
    public static final long ANY_SIZE = Long.MAX_VALUE;

    private final FileChannel channel;
    private final int maxLineBytes;
    private final InFlightBudget budget;
    private final BooleanSupplier stopRequested;
    private final long finalSize;
    /** The file's first bytes as this reader knows them (given, then read), or null when it does not record them. */
    private final byte[] head;
    private int headLength;
    private final byte[] buffer = new byte[READ_BUFFER];
    private int position;
    private int limit;
    private boolean endOfData;
    private boolean stoppedEarly;
    private boolean endedBeforeUnterminatedLine;
    /** Bytes of the file before the buffer's start. */
    private long bufferOffset;
    /** Where the next line starts; read by the metrics from another thread. */
    private volatile long bytesConsumed;

    private byte[] line;
    private int linePermits;
    private long lineNumber;
    private long blankLines;

    /** A line read into the buffer and not handed over yet (its copy waits for budget). */
    private boolean spanReady;
    private int spanKept;
    private long spanLength;
    private long spanStart;
    private long spanEnd;

    private SourceLine next;

    private JsonlLineReader(FileChannel channel, long offset, long linesBefore, int maxLineBytes,
                            InFlightBudget budget, BooleanSupplier stopRequested, long finalSize, byte[] knownHead)
            throws IOException {
        this.channel = channel;
        this.maxLineBytes = maxLineBytes;
        this.budget = budget;
        this.stopRequested = stopRequested;
        this.finalSize = finalSize;
        if (knownHead != null && offset <= knownHead.length) {
            head = Arrays.copyOf(knownHead, ContentHead.HEAD_BYTES);
            headLength = knownHead.length;
        } else {
            head = null;
        }
        this.lineNumber = linesBefore;
        this.bufferOffset = offset;
        this.bytesConsumed = offset;
        fill();
        if (offset == 0 && limit >= 3 && Arrays.equals(buffer, 0, 3, UTF8_BOM, 0, 3)) {
            position = 3;
            bytesConsumed = 3;
        }
    }

    /**
     * Reads from {@code offset}, a line boundary where line {@code linesBefore + 1} starts (0 and 0: the whole
     * file), to the current end of the channel, within the given budget. An unterminated last line is read when the
     * data ends at {@code finalSize} ({@link #ANY_SIZE}: wherever it ends; -1: never).
     */
    public static JsonlLineReader from(FileChannel channel, long offset, long linesBefore, int maxLineBytes,
                                       InFlightBudget budget, BooleanSupplier stopRequested, long finalSize)
            throws IOException {
        return new JsonlLineReader(channel, offset, linesBefore, maxLineBytes, budget, stopRequested, finalSize,
                null);
    }

    /** The same, for tools that read a file alone: nothing makes them wait. */
    public static JsonlLineReader from(FileChannel channel, long offset, long linesBefore, int maxLineBytes,
                                       BooleanSupplier stopRequested, long finalSize) throws IOException {
        return from(channel, offset, linesBefore, maxLineBytes, InFlightBudget.unbounded(), stopRequested,
                finalSize);
    }

    /**
     * The reading of a grant: from where the file's reading stopped, as the lifecycle granted it. It records the
     * file's first bytes as it reads them ({@link #headRead()}), after those the grant knows, so that the lifecycle
     * knows what was read of them, not what is there by the time it asks.
     */
    public static JsonlLineReader of(ReadGrant grant, int maxLineBytes, InFlightBudget budget,
                                     BooleanSupplier stopping) throws IOException {
        return new JsonlLineReader(grant.channel(), grant.offset(), grant.linesBefore(), maxLineBytes, budget,
                () -> stopping.getAsBoolean() || grant.cancelled().get(), grant.finalSize(), grant.head());
    }

    // --- line by line --------------------------------------------------------------------------------------------

    @Override
    public boolean hasNext() {
        if (next == null && !stoppedEarly) {
            if (stopRequested.getAsBoolean()) {
                stoppedEarly = true;
            } else if (advance(true)) {
                next = take(true);
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
     * The lines in chunks of at most {@code maxLines} lines and {@code maxBytes} bytes (see {@link LineChunks}), each
     * handed over only while the file still starts with the bytes {@code contentRead} knows.
     */
    public Iterator<List<SourceLine>> chunks(int maxLines, long maxBytes, LongPredicate contentRead) {
        return new LineChunks(this, maxLines, maxBytes, contentRead);
    }

    public Iterator<List<SourceLine>> chunks(int maxLines, long maxBytes) {
        return chunks(maxLines, maxBytes, readUpTo -> true);
    }

    /** True while lines may follow: the reader holds one, holds bytes, or has not met the end of the data. */
    boolean mayHaveMore() {
        return !stoppedEarly && (spanReady || position < limit || !endOfData);
    }

    /** Checks for a stop request: true (and stopped early) when one came. */
    boolean stopAsked() {
        if (!stoppedEarly && stopRequested.getAsBoolean()) {
            stoppedEarly = true;
        }
        return stoppedEarly;
    }

    /** The next line ready in the buffer, as {@link #advance}; its kept bytes are {@link #readyBytes()}. */
    boolean ready(boolean mayWait) {
        return advance(mayWait);
    }

    int readyBytes() {
        return spanKept;
    }

    SourceLine takeReady(boolean mayWait) {
        return take(mayWait);
    }

    /** True right after a long line was taken with the buffer grown for it (a chunk ends after such a line). */
    boolean tookLongLine() {
        return line == null;
    }

    InFlightBudget budget() {
        return budget;
    }

    /** Where the reading stands: its line number, its byte, its blank lines. */
    long[] mark() {
        return new long[] {lineNumber, bytesConsumed, blankLines};
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
        return head == null ? null : Arrays.copyOf(head, (int) Math.min(headLength, bytesConsumed));
    }

    /** The file's size where the data ended, as far as this reader got (where it stopped reading otherwise). */
    public long endOfData() {
        return bufferOffset + limit;
    }

    /** True when the data ended in the middle of a line that may still be being written: it was not read. */
    public boolean endedBeforeUnterminatedLine() {
        return endedBeforeUnterminatedLine;
    }

    /** Gives back the budget of the reader's buffer; called by the thread that read, once it is done. */
    public void release() {
        if (linePermits > 0) {
            budget.release(linePermits);
            linePermits = 0;
        }
        line = null;
        spanReady = false;
        if (budget.largeLines().isHeldByCurrentThread()) {
            budget.largeLines().unlock();
        }
    }

    // --- reading ---------------------------------------------------------------------------------------------------

    /**
     * Makes the next non-blank line ready in the buffer; false at the end of the data, or, when the reader holds
     * lines it has not handed over ({@code mayWait} false), where the line might need a larger buffer.
     */
    private boolean advance(boolean mayWait) {
        try {
            while (!spanReady) {
                if (line == null) {
                    line = new byte[SMALL_LINE];
                }
                if (!mayWait && !nextLineFitsBuffer()) {
                    return false;
                }
                if (!readLine(mayWait)) {
                    return false;
                }
                if (isBlank()) {
                    blankLines++;
                    lineNumber++;
                    bytesConsumed = spanEnd;
                    spanReady = false;
                }
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Hands the ready line over: a copy of it with the permits it holds (its own, taken now, or the grown buffer's,
     * which it takes with it); null when its budget is not free and the reader may not wait.
     */
    private SourceLine take(boolean mayWait) {
        byte[] bytes;
        int permits;
        if (line.length > SMALL_LINE) {
            bytes = spanKept == line.length ? line : Arrays.copyOf(line, spanKept);
            permits = linePermits;
            line = null;
            linePermits = 0;
            budget.largeLines().unlock();
        } else {
            permits = budget.share(spanKept);
            if (!acquire(permits, mayWait)) {
                return null;
            }
            bytes = Arrays.copyOf(line, spanKept);
        }
        lineNumber++;
        bytesConsumed = spanEnd;
        spanReady = false;
        return new SourceLine(lineNumber, bytes, spanLength, spanStart, spanEnd, permits);
    }

    private boolean acquire(int permits, boolean mayWait) {
        if (budget.tryAcquire(permits)) {
            return true;
        }
        if (!mayWait) {
            return false;
        }
        try {
            budget.acquire(permits);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for in-flight budget", e);
        }
    }

    /** True when the next line ends within the read buffer (or the data does): it needs no larger buffer. */
    private boolean nextLineFitsBuffer() throws IOException {
        if (indexOfNewline() >= 0 || endOfData) {
            return true;
        }
        compactAndFill();
        return indexOfNewline() >= 0 || endOfData;
    }

    /** Reads the next line into the line buffer; false when there is none (yet). */
    private boolean readLine(boolean mayGrow) throws IOException {
        long start = bufferOffset + position;
        int kept = 0;
        long length = 0;
        byte last = 0;
        while (true) {
            if (position == limit && (endOfData || !fill())) {
                if (length == 0) {
                    return false;
                }
                if (finalSize != ANY_SIZE && bufferOffset + limit != finalSize) {
                    endedBeforeUnterminatedLine = true;
                    rewindTo(start);
                    return false;
                }
                break;
            }
            int newline = indexOfNewline();
            int end = newline >= 0 ? newline : limit;
            int chunk = end - position;
            int copied = Math.min(chunk, maxLineBytes - kept);
            if (copied > 0) {
                ensureCapacity(kept + copied, mayGrow);
                System.arraycopy(buffer, position, line, kept, copied);
                kept += copied;
            }
            length += chunk;
            if (chunk > 0) {
                last = buffer[end - 1];
            }
            position = end;
            if (newline >= 0) {
                position++;
                break;
            }
        }
        if (last == '\r') {
            // the CR of a CRLF ending is not the line's, whether or not the line fits maxLineBytes
            length--;
            kept = (int) Math.min(kept, length);
        }
        spanKept = kept;
        spanLength = length;
        spanStart = start;
        spanEnd = bufferOffset + position;
        spanReady = true;
        return true;
    }

    /** A line that stopped short of its end (not written yet) is read again from its start next time. */
    private void rewindTo(long start) throws IOException {
        if (start >= bufferOffset) {
            position = (int) (start - bufferOffset);
        } else {
            bufferOffset = start;
            position = 0;
            limit = 0;
            endOfData = false;
            readMore();
        }
    }

    private int indexOfNewline() {
        for (int i = position; i < limit; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Refills the buffer after it was read to its end; false at the end of the data (the channel's current end). */
    private boolean fill() throws IOException {
        bufferOffset += limit;
        position = 0;
        limit = 0;
        return readMore();
    }

    /** Keeps the unread bytes, moved to the buffer's start, and reads more after them. */
    private void compactAndFill() throws IOException {
        int unread = limit - position;
        System.arraycopy(buffer, position, buffer, 0, unread);
        bufferOffset += position;
        position = 0;
        limit = unread;
        readMore();
    }

    /** Reads after the buffer's bytes, at their place in the file: the buffer's start plus what it holds. */
    private boolean readMore() throws IOException {
        ByteBuffer target = ByteBuffer.wrap(buffer, limit, buffer.length - limit);
        int before = limit;
        while (target.hasRemaining()) {
            if (channel.read(target, bufferOffset + target.position()) <= 0) {
                endOfData = true;
                break;
            }
        }
        limit = target.position();
        recordHead(before);
        return limit > before;
    }

    /** Keeps the first bytes of the file read for the first time, right after what is known of them. */
    private void recordHead(int from) {
        if (head == null || headLength >= head.length) {
            return;
        }
        long filePosition = bufferOffset + from;
        if (filePosition > headLength || bufferOffset + limit <= headLength) {
            return;
        }
        int start = from + (int) (headLength - filePosition);
        int count = Math.min(limit - start, head.length - headLength);
        System.arraycopy(buffer, start, head, headLength, count);
        headLength += count;
    }

    /**
     * Makes room for a line longer than the buffer: one reader at a time, with the budget for it taken first (a
     * line longer than the budget waits for all of it).
     */
    private void ensureCapacity(int needed, boolean mayGrow) {
        if (needed <= line.length) {
            return;
        }
        if (!mayGrow) {
            throw new IllegalStateException("a line that fits the read buffer needed a larger line buffer");
        }
        if (!budget.largeLines().isHeldByCurrentThread()) {
            budget.largeLines().lock();
        }
        int size = Math.min(Math.max(needed, line.length * 2), maxLineBytes);
        acquire(budget.share(size) - linePermits, true);
        linePermits = budget.share(size);
        line = Arrays.copyOf(line, size);
    }

    private boolean isBlank() {
        if (spanLength > spanKept) {
            return false;
        }
        for (int i = 0; i < spanKept; i++) {
            byte b = line[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
