package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.ByteBuffer;

import tmdb.ingestion.content.Content;

/**
 * A compressed file's decompressed content, read forward from its start: a read further on decompresses the bytes
 * in between and drops them (a resume after a checkpoint costs decompressing the file up to it), a read further back
 * starts again from the file's first byte. The compressed bytes are read by position.
 */
abstract class DecompressedSource implements ContentSource {

    private static final int SKIP_BYTES = 1 << 16;

    protected final Content content;
    private long produced;
    private byte[] skipped;

    DecompressedSource(Content content) {
        this.content = content;
    }

    @Override
    public final int read(ByteBuffer target, long position) throws IOException {
        if (position < produced) {
            restart();
            produced = 0;
        }
        while (produced < position) {
            if (skipped == null) {
                skipped = new byte[SKIP_BYTES];
            }
            int read = produce(skipped, 0, (int) Math.min(SKIP_BYTES, position - produced));
            if (read < 0) {
                return -1;
            }
            produced += read;
        }
        if (!target.hasArray()) {
            throw new IllegalArgumentException("a decompressed source reads into heap buffers");
        }
        int read = produce(target.array(), target.arrayOffset() + target.position(), target.remaining());
        if (read < 0) {
            return -1;
        }
        target.position(target.position() + read);
        produced += read;
        return read;
    }

    /** Decompresses at least one byte into the array (unless {@code length} is 0), or answers -1 at the end. */
    abstract int produce(byte[] out, int offset, int length) throws IOException;

    /** Goes back to the file's first byte. */
    abstract void restart() throws IOException;
}
