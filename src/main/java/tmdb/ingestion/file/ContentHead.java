package tmdb.ingestion.file;

import java.io.IOException;
import java.util.Arrays;

import tmdb.ingestion.content.Content;

/**
 * A file's first bytes (up to {@value #HEAD_BYTES}), as they were when it was picked up and as its readers read them
 * since: what tells a file that grew from one whose content was replaced in place ({@code cp} over it keeps its
 * inode). Files only grow by appending, so their first bytes never change; a file whose first bytes changed, or that
 * shrank below what was read, holds other content.
 */
final class ContentHead {

    static final int HEAD_BYTES = 4096;

    private byte[] head;

    private ContentHead(byte[] head) {
        this.head = head;
    }

    static ContentHead of(Content content) throws IOException {
        return new ContentHead(ContentFormat.PLAIN.head(content, (int) Math.min(HEAD_BYTES, content.size())));
    }

    /**
     * True when the file still starts with the bytes known and is at least {@code readUpTo} bytes long (what was read
     * of it). The bytes known grow only with what readers read ({@link #readerSaw}), never from the file as it is
     * when asked: bytes written after a rewrite would otherwise pass for the content read.
     */
    boolean stillMatches(Content content, long readUpTo) throws IOException {
        return matches(content, head, readUpTo);
    }

    /**
     * Takes in the first bytes a reader read (it records them as it reads), when they carry on from those known:
     * the head then covers what was read of a small file, so that content cut and written again past the bytes known
     * before is told from growth too.
     */
    void readerSaw(byte[] read) {
        if (read != null && read.length > head.length && Arrays.equals(read, 0, head.length, head, 0, head.length)) {
            head = read;
        }
    }

    /** The first bytes as they are known now, a copy (for a reader to check the file against by itself). */
    byte[] bytes() {
        return head.clone();
    }

    /** True when the file starts with these bytes and is at least {@code readUpTo} bytes long. */
    static boolean matches(Content content, byte[] head, long readUpTo) throws IOException {
        long size = content.size();
        if (size < head.length || size < readUpTo) {
            return false;
        }
        return Arrays.equals(ContentFormat.PLAIN.head(content, head.length), head);
    }
}
