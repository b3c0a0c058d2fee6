package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * A file's first bytes (up to {@value #HEAD_BYTES}), as they were when it was picked up: what tells a file that grew
 * from one whose content was replaced in place ({@code cp} over it keeps its inode). Files only grow by appending, so
 * their first bytes never change; a file whose first bytes changed, or that shrank, holds other content.
 */
final class ContentHead {

    static final int HEAD_BYTES = 4096;

    private byte[] head;

    private ContentHead(byte[] head) {
        this.head = head;
    }

    static ContentHead of(FileChannel channel) throws IOException {
        return new ContentHead(read(channel, Math.min(HEAD_BYTES, channel.size())));
    }

    /**
     * True when the file still starts with the bytes seen before and is at least {@code readUpTo} bytes long (what
     * was read of it). A head shorter than {@value #HEAD_BYTES} grows with the file.
     */
    boolean stillMatches(FileChannel channel, long readUpTo) throws IOException {
        long size = channel.size();
        if (size < head.length || size < readUpTo) {
            return false;
        }
        byte[] now = read(channel, Math.min(HEAD_BYTES, size));
        if (!Arrays.equals(now, 0, head.length, head, 0, head.length)) {
            return false;
        }
        head = now;
        return true;
    }

    private static byte[] read(FileChannel channel, long length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) length);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            continue;
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }
}
