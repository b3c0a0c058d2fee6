package tmdb.ingestion.content;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The bytes of one source file, read by position: nothing it does moves a position shared with another reader, so
 * the lifecycle (fingerprints, format and head checks) and a reader can use the same content at once. The lifecycle
 * sees a source only through this, never through a path or a channel, so that a source other than a local file can
 * take its place.
 */
public interface Content extends Closeable {

    /** The bytes it holds now (a file being written to grows). */
    long size() throws IOException;

    /**
     * Reads into the buffer from this position: the number of bytes read, 0 when the buffer has no room, or -1 at or
     * past the end of what it holds now.
     */
    int read(ByteBuffer target, long position) throws IOException;

    /**
     * What names these very bytes without reading them, when the source has it: an object's ETag (an object never
     * changes; one replaced under its key has another). Empty for a file, whose bytes are sampled instead.
     */
    default Optional<String> version() {
        return Optional.empty();
    }
}
