package tmdb.ingestion.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;

/**
 * Streams the lines of a JSONL file from a byte offset to the current end of the file, without ever holding more
 * than one line (at most {@code maxLineBytes}) in memory. Handles what collectors leave behind: a UTF-8 byte-order
 * mark, CRLF endings, a missing final newline. Blank and whitespace-only lines are skipped and counted, so line
 * numbers stay those of the file.
 * <p>
 * A file may still be written while it is read: bytes after the last newline are a line only when
 * {@code unterminatedLineIsFinal} says so at that moment (the file has been quiet long enough); otherwise the reader
 * ends before them, and the next reader resumes at {@link #bytesRead()} once the rest of the line has arrived. The
 * reader also ends early, without error, when {@code stopRequested} turns true (the application is stopping). It
 * never closes the channel: the file's owner does.
 */
public final class JsonlLineReader implements Iterator<SourceLine> {

    private static final int READ_BUFFER = 1 << 16;
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final SeekableByteChannel channel;
    private final int maxLineBytes;
    private final BooleanSupplier stopRequested;
    private final BooleanSupplier unterminatedLineIsFinal;
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

    private byte[] line = new byte[256];
    private long lineNumber;
    private long blankLines;
    private SourceLine next;

    private JsonlLineReader(SeekableByteChannel channel, long offset, long linesBefore, int maxLineBytes,
                            BooleanSupplier stopRequested, BooleanSupplier unterminatedLineIsFinal) throws IOException {
        this.channel = channel;
        this.maxLineBytes = maxLineBytes;
        this.stopRequested = stopRequested;
        this.unterminatedLineIsFinal = unterminatedLineIsFinal;
        this.lineNumber = linesBefore;
        this.bufferOffset = offset;
        this.bytesConsumed = offset;
        channel.position(offset);
        fill();
        if (offset == 0 && limit >= 3 && Arrays.equals(buffer, 0, 3, UTF8_BOM, 0, 3)) {
            position = 3;
            bytesConsumed = 3;
        }
    }

    /**
     * Reads from {@code offset}, a line boundary where line {@code linesBefore + 1} starts (0 and 0: the whole
     * file), to the current end of the channel.
     */
    public static JsonlLineReader from(SeekableByteChannel channel, long offset, long linesBefore, int maxLineBytes,
                                       BooleanSupplier stopRequested, BooleanSupplier unterminatedLineIsFinal)
            throws IOException {
        return new JsonlLineReader(channel, offset, linesBefore, maxLineBytes, stopRequested, unterminatedLineIsFinal);
    }

    @Override
    public boolean hasNext() {
        if (next == null && !stoppedEarly) {
            if (stopRequested.getAsBoolean()) {
                stoppedEarly = true;
            } else {
                next = readNonBlankLine();
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

    /** True when the data ended in the middle of a line that may still be being written: it was not read. */
    public boolean endedBeforeUnterminatedLine() {
        return endedBeforeUnterminatedLine;
    }

    private SourceLine readNonBlankLine() {
        try {
            SourceLine candidate;
            while ((candidate = readLine()) != null) {
                if (!isBlank(candidate)) {
                    return candidate;
                }
                blankLines++;
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SourceLine readLine() throws IOException {
        long start = bufferOffset + position;
        int kept = 0;
        long length = 0;
        while (true) {
            if (position == limit && (endOfData || !fill())) {
                if (length == 0) {
                    return null;
                }
                if (!unterminatedLineIsFinal.getAsBoolean()) {
                    endedBeforeUnterminatedLine = true;
                    return null;
                }
                break;
            }
            int newline = indexOfNewline();
            int end = newline >= 0 ? newline : limit;
            int chunk = end - position;
            int copied = Math.min(chunk, maxLineBytes - kept);
            if (copied > 0) {
                ensureCapacity(kept + copied);
                System.arraycopy(buffer, position, line, kept, copied);
                kept += copied;
            }
            length += chunk;
            position = end;
            if (newline >= 0) {
                position++;
                break;
            }
        }
        lineNumber++;
        bytesConsumed = bufferOffset + position;
        if (length <= maxLineBytes && kept > 0 && line[kept - 1] == '\r') {
            kept--;
            length--;
        }
        return new SourceLine(lineNumber, Arrays.copyOf(line, kept), length, start, bufferOffset + position);
    }

    private int indexOfNewline() {
        for (int i = position; i < limit; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Refills the buffer; false at the end of the data (the channel's current end). */
    private boolean fill() throws IOException {
        bufferOffset += limit;
        position = 0;
        limit = 0;
        ByteBuffer target = ByteBuffer.wrap(buffer);
        while (target.hasRemaining()) {
            if (channel.read(target) < 0) {
                endOfData = true;
                break;
            }
        }
        limit = target.position();
        return limit > 0;
    }

    private void ensureCapacity(int needed) {
        if (needed > line.length) {
            line = Arrays.copyOf(line, Math.min(Math.max(needed, line.length * 2), maxLineBytes));
        }
    }

    private static boolean isBlank(SourceLine candidate) {
        if (candidate.oversized()) {
            return false;
        }
        for (byte b : candidate.bytes()) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
