package tmdb.ingestion.loader;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;

/**
 * Streams the lines of a JSONL file without ever holding more than one line (at most {@code maxLineBytes}) in
 * memory. Handles what collectors leave behind: a UTF-8 byte-order mark, CRLF endings, a missing final newline.
 * Blank and whitespace-only lines are skipped and counted, so line numbers stay those of the file.
 * The reader ends early, without error, when {@code stopRequested} turns true (the application is stopping).
 */
public final class JsonlLineReader implements Iterator<SourceLine>, Closeable {

    private static final int READ_BUFFER = 1 << 16;
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final InputStream in;
    private final int maxLineBytes;
    private final BooleanSupplier stopRequested;
    private final byte[] buffer = new byte[READ_BUFFER];
    private int position;
    private int limit;
    private boolean endOfFile;
    private boolean stoppedEarly;
    /** Bytes of the file before the buffer's start. */
    private long bufferOffset;
    /** Bytes of the file consumed by the lines returned so far; read by the metrics from another thread. */
    private volatile long bytesConsumed;

    private byte[] line = new byte[256];
    private long lineNumber;
    private long blankLines;
    private SourceLine next;

    public JsonlLineReader(Path file, int maxLineBytes, BooleanSupplier stopRequested) throws IOException {
        this(file, maxLineBytes, stopRequested, 0, 0);
    }

    /**
     * Reads the file from a line boundary: {@code offset} is where line {@code linesBefore + 1} starts (a
     * checkpoint's resume point); with 0 and 0, from the start.
     */
    public JsonlLineReader(Path file, int maxLineBytes, BooleanSupplier stopRequested, long offset, long linesBefore)
            throws IOException {
        this(skipped(Files.newInputStream(file), offset), maxLineBytes, stopRequested, offset, linesBefore);
    }

    JsonlLineReader(InputStream in, int maxLineBytes, BooleanSupplier stopRequested) throws IOException {
        this(in, maxLineBytes, stopRequested, 0, 0);
    }

    private JsonlLineReader(InputStream in, int maxLineBytes, BooleanSupplier stopRequested, long offset,
                            long linesBefore) throws IOException {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.stopRequested = stopRequested;
        this.lineNumber = linesBefore;
        this.bufferOffset = offset;
        this.bytesConsumed = offset;
        fill();
        if (offset == 0 && limit >= 3 && Arrays.equals(buffer, 0, 3, UTF8_BOM, 0, 3)) {
            position = 3;
        }
    }

    private static InputStream skipped(InputStream in, long offset) throws IOException {
        try {
            in.skipNBytes(offset);
            return in;
        } catch (IOException e) {
            in.close();
            throw e;
        }
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

    /** Lines read so far, blank ones included: the file's line count once the reader is exhausted. */
    public long linesRead() {
        return lineNumber;
    }

    /** Bytes of the file consumed so far (byte-order mark included): where the next line starts. */
    public long bytesRead() {
        return bytesConsumed;
    }

    public long blankLines() {
        return blankLines;
    }

    /** True when the reader stopped before the end of the file because the application is stopping. */
    public boolean stoppedEarly() {
        return stoppedEarly;
    }

    @Override
    public void close() throws IOException {
        in.close();
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
            if (position == limit) {
                if (endOfFile || !fill()) {
                    if (length == 0) {
                        return null;
                    }
                    break;
                }
            }
            int newline = indexOfNewline();
            int end = newline >= 0 ? newline : limit;
            int chunk = end - position;
            int room = maxLineBytes - kept;
            int copied = Math.min(chunk, room);
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

    private boolean fill() throws IOException {
        int read = in.readNBytes(buffer, 0, buffer.length);
        bufferOffset += limit;
        position = 0;
        limit = read;
        if (read < buffer.length) {
            endOfFile = true;
        }
        return read > 0;
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
