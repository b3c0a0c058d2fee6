package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** A plain file's content: its bytes, read by position (no position shared with anyone else reading the file). */
final class PlainSource implements ContentSource {

    private final FileChannel channel;
    private long end;

    PlainSource(FileChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(ByteBuffer target, long position) throws IOException {
        int read = channel.read(target, position);
        if (read > 0) {
            end = Math.max(end, position + read);
        }
        return read > 0 ? read : -1;
    }

    @Override
    public long fileBytesRead() {
        return end;
    }

    @Override
    public void close() {
        // the channel is the file's owner's to close
    }
}
