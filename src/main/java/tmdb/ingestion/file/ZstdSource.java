package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.ByteBuffer;

import com.github.luben.zstd.ZstdDirectBufferDecompressingStreamNoFinalizer;
import com.github.luben.zstd.ZstdIOException;

import tmdb.ingestion.content.Content;

/**
 * The content of a zstd file of one frame or several, with windows up to 2 GiB ({@code zstd --long=31}; the
 * decoder's window lives in native memory, not on the heap: up to the window the file's frames ask for, per file read
 * at once). zstd-jni comes with kafka-clients; its direct-buffer stream is used because it reads the file through
 * buffers this source fills, so the compressed bytes consumed are known (a damage lies at or after them).
 */
final class ZstdSource extends DecompressedSource {

    private static final int LONGEST_WINDOW_LOG = 31;
    private static final int BUFFER_BYTES = 1 << 17;

    private final ByteBuffer input = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private final ByteBuffer output = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private ZstdDirectBufferDecompressingStreamNoFinalizer stream;
    /** Where in the file the next read of compressed bytes starts. */
    private long nextInput;
    private boolean endOfInput;
    private boolean ended;
    private IOException readFailure;

    ZstdSource(Content content) {
        super(content);
    }

    @Override
    int produce(byte[] out, int offset, int length) throws IOException {
        if (stream == null) {
            open();
        }
        while (!output.hasRemaining() && !ended) {
            output.clear();
            try {
                stream.read(output);
            } catch (ZstdIOException e) {
                throw damaged(e.getMessage());
            }
            if (readFailure != null) {
                throw readFailure;
            }
            output.flip();
            if (!output.hasRemaining() && endOfInput) {
                ended = true;
                if (stream.hasRemaining() || fileBytesRead() == 0) {
                    throw damaged("the data ends inside a frame (the file is cut short)");
                }
            }
        }
        if (!output.hasRemaining()) {
            return -1;
        }
        int count = Math.min(length, output.remaining());
        output.get(out, offset, count);
        return count;
    }

    @Override
    void restart() {
        close();
        output.clear().flip();
        input.clear().flip();
        nextInput = 0;
        endOfInput = false;
        ended = false;
        readFailure = null;
    }

    @Override
    public long fileBytesRead() {
        return nextInput - input.remaining();
    }

    @Override
    public void close() {
        if (stream != null) {
            stream.close();
            stream = null;
        }
    }

    private void open() throws IOException {
        input.clear().flip();
        output.clear().flip();
        stream = new ZstdDirectBufferDecompressingStreamNoFinalizer(input) {
            @Override
            protected ByteBuffer refill(ByteBuffer toRefill) {
                return ZstdSource.this.refill(toRefill);
            }
        };
        stream.setLongMax(LONGEST_WINDOW_LOG);
    }

    private ByteBuffer refill(ByteBuffer toRefill) {
        toRefill.compact();
        try {
            int read = content.read(toRefill, nextInput);
            if (read > 0) {
                nextInput += read;
            } else {
                endOfInput = true;
            }
        } catch (IOException e) {
            // the decoder's callback cannot throw it: it is thrown once the decoder returns
            readFailure = e;
            endOfInput = true;
        }
        return toRefill.flip();
    }

    /**
     * The decoder does not say how much of its input it took before it failed: the damage lies at or after the
     * compressed bytes it had consumed before that call (at most one input buffer, 128 KiB, further on).
     */
    private DamagedContentException damaged(String what) {
        return new DamagedContentException("the zstd data is damaged at or after compressed byte " + fileBytesRead()
                + ": " + what);
    }
}
