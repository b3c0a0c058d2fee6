package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A reader's window on its file's content: a fixed buffer of the bytes from {@code offset} on, read by position (so it
 * shares no position with anyone else reading the file), to the content's current end (a compressed file's content
 * is its decompressed bytes). It also records the file's first bytes
 * as they are read, after those the reader was given, so that the lifecycle learns what was read of them rather than
 * what is there by the time it asks. The line scanning reads its fields directly: it is the reader's own buffer.
 */
final class ReadBuffer {

    private static final int SIZE = 1 << 16;

    private final ContentSource source;
    final byte[] bytes = new byte[SIZE];
    /** Bytes of the file before the buffer's start. */
    long offset;
    int position;
    int limit;
    boolean endOfData;
    private final byte[] head;
    private int headLength;
    /** A failure after some bytes were read: those are given first, the failure at the next read. */
    private IOException failure;

    /**
     * @param knownHead the file's first bytes as known (null: do not record them); recording goes on from them only
     *                  when reading starts within them
     */
    ReadBuffer(ContentSource source, long offset, byte[] knownHead) {
        this.source = source;
        this.offset = offset;
        if (knownHead != null && offset <= knownHead.length) {
            head = Arrays.copyOf(knownHead, ContentHead.HEAD_BYTES);
            headLength = knownHead.length;
        } else {
            head = null;
        }
    }

    /** The first bytes of the file as read, no further than {@code upTo}; null when not recorded. */
    byte[] head(long upTo) {
        return head == null ? null : Arrays.copyOf(head, (int) Math.min(headLength, upTo));
    }

    /** Where in the content the buffer's data ends. */
    long end() {
        return offset + limit;
    }

    /** The file's bytes read: as many as the content's for a plain file, the compressed ones otherwise. */
    long fileBytesRead() {
        return source.fileBytesRead();
    }

    /** Ends the source (a decompressor's native memory); the file's channel stays open. */
    void close() {
        source.close();
    }

    int indexOfNewline() {
        for (int i = position; i < limit; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Refills the buffer after it was read to its end; false at the end of the data (the channel's current end). */
    boolean fill() throws IOException {
        offset += limit;
        position = 0;
        limit = 0;
        return readMore();
    }

    /** Keeps the unread bytes, moved to the buffer's start, and reads more after them. */
    void compactAndFill() throws IOException {
        int unread = limit - position;
        System.arraycopy(bytes, position, bytes, 0, unread);
        offset += position;
        position = 0;
        limit = unread;
        readMore();
    }

    /** Goes back to a place in the file (a line that stopped short of its end is read again from its start). */
    void rewindTo(long start) throws IOException {
        if (start >= offset) {
            position = (int) (start - offset);
        } else {
            offset = start;
            position = 0;
            limit = 0;
            endOfData = false;
            readMore();
        }
    }

    /** Reads after the buffer's bytes, at their place in the file: the buffer's start plus what it holds. */
    private boolean readMore() throws IOException {
        if (failure != null) {
            throw failure;
        }
        ByteBuffer target = ByteBuffer.wrap(bytes, limit, bytes.length - limit);
        int before = limit;
        while (target.hasRemaining()) {
            try {
                if (source.read(target, offset + target.position()) <= 0) {
                    endOfData = true;
                    break;
                }
            } catch (IOException e) {
                if (target.position() == before) {
                    throw e;
                }
                failure = e;
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
        long filePosition = offset + from;
        if (filePosition > headLength || offset + limit <= headLength) {
            return;
        }
        int start = from + (int) (headLength - filePosition);
        int count = Math.min(limit - start, head.length - headLength);
        System.arraycopy(bytes, start, head, headLength, count);
        headLength += count;
    }
}
