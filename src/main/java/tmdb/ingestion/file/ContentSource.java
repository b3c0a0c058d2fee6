package tmdb.ingestion.file;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A file's content as a reader sees it, read by position: the file's own bytes, or a decompressor's output. A
 * compressed file's positions are those of its decompressed content; reading goes forward, and going back means
 * decompressing again from the start.
 */
interface ContentSource extends Closeable {

    /**
     * Reads into the buffer from this position of the content: the number of bytes read, at least one, or -1 at the
     * end of the content (as far as the file holds it now).
     *
     * @throws DamagedContentException when compressed data is damaged or cut short
     */
    int read(ByteBuffer target, long position) throws IOException;

    /** The file's bytes read so far: the position for a plain file, what the decompressor consumed otherwise. */
    long fileBytesRead();

    @Override
    void close();
}
