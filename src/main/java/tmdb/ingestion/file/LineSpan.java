package tmdb.ingestion.file;

import java.io.IOException;

/**
 * The next line a {@link JsonlLineReader} found in its {@link ReadBuffer} and has not handed over yet: where it lies
 * in the file, its length without its line ending, and how many of its bytes were kept in the {@link LineBytes} (at
 * most the longest line kept; a longer line keeps its length, to be dead-lettered by it).
 */
final class LineSpan {

    private final int maxLineBytes;
    /** The size at which an unterminated last line counts as a line ({@link JsonlLineReader#ANY_SIZE}: any). */
    private final long finalSize;

    boolean ready;
    int kept;
    long length;
    long start;
    long end;
    /** The data ended in the middle of a line that may still be being written: it was not read. */
    boolean endedBeforeUnterminatedLine;

    LineSpan(int maxLineBytes, long finalSize) {
        this.maxLineBytes = maxLineBytes;
        this.finalSize = finalSize;
    }

    /** Reads the next line from the buffer into the line's bytes; false when there is none (yet). */
    boolean read(ReadBuffer in, LineBytes line, boolean mayGrow) throws IOException {
        long lineStart = in.offset + in.position;
        int keptBytes = 0;
        long lineLength = 0;
        byte last = 0;
        while (true) {
            if (in.position == in.limit && (in.endOfData || !in.fill())) {
                if (lineLength == 0) {
                    return false;
                }
                if (finalSize != JsonlLineReader.ANY_SIZE && in.end() != finalSize) {
                    endedBeforeUnterminatedLine = true;
                    in.rewindTo(lineStart);
                    return false;
                }
                break;
            }
            int newline = in.indexOfNewline();
            int chunkEnd = newline >= 0 ? newline : in.limit;
            int chunk = chunkEnd - in.position;
            int copied = Math.min(chunk, maxLineBytes - keptBytes);
            if (copied > 0) {
                System.arraycopy(in.bytes, in.position, line.ensureCapacity(keptBytes + copied, mayGrow), keptBytes,
                        copied);
                keptBytes += copied;
            }
            lineLength += chunk;
            if (chunk > 0) {
                last = in.bytes[chunkEnd - 1];
            }
            in.position = chunkEnd;
            if (newline >= 0) {
                in.position++;
                break;
            }
        }
        if (last == '\r') {
            // the CR of a CRLF ending is not the line's, whether or not the line fits maxLineBytes
            lineLength--;
            keptBytes = (int) Math.min(keptBytes, lineLength);
        }
        kept = keptBytes;
        length = lineLength;
        start = lineStart;
        end = in.offset + in.position;
        ready = true;
        return true;
    }

    /** True when the line holds nothing but spaces, tabs and carriage returns. */
    boolean isBlank(byte[] bytes) {
        if (length > kept) {
            return false;
        }
        for (int i = 0; i < kept; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
