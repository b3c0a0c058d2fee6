package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.ByteBuffer;

import tmdb.ingestion.content.Content;

/** A plain file's content: its bytes, read by position (no position shared with anyone else reading the file). */
final class PlainSource implements ContentSource {

    private final Content content;
    private long end;

    PlainSource(Content content) {
        this.content = content;
    }

    @Override
    public int read(ByteBuffer target, long position) throws IOException {
        int read = content.read(target, position);
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
        // the content is the file's owner's to close
    }
}
