package tmdb.ingestion.loader;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import tmdb.ingestion.file.SourceLine;

/**
 * Cuts a file's lines into chunks of at most {@code ingestion.read.chunk-lines} lines and
 * {@code ingestion.read.chunk-bytes} bytes (a longer line makes a chunk alone), for the reading route to split by:
 * one exchange, one wait for budget and one lock of the file per chunk instead of per line. Chunks are smaller than
 * a mixing window, so that a window holds chunks of several folders.
 */
public final class LineChunks {

    private final int maxLines;
    private final long maxBytes;

    public LineChunks(int maxLines, long maxBytes) {
        this.maxLines = maxLines;
        this.maxBytes = maxBytes;
    }

    /** The chunks of the lines the iterator gives; a chunk is cut as soon as it is full, never waits for more. */
    public Iterator<List<SourceLine>> of(Iterator<SourceLine> lines) {
        return new Iterator<>() {
            private SourceLine carried;

            @Override
            public boolean hasNext() {
                return carried != null || lines.hasNext();
            }

            @Override
            public List<SourceLine> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<SourceLine> chunk = new ArrayList<>(Math.min(maxLines, 64));
                long bytes = 0;
                if (carried != null) {
                    chunk.add(carried);
                    bytes = carried.bytes().length;
                    carried = null;
                }
                while (chunk.size() < maxLines && lines.hasNext()) {
                    SourceLine line = lines.next();
                    if (!chunk.isEmpty() && bytes + line.bytes().length > maxBytes) {
                        carried = line;
                        break;
                    }
                    chunk.add(line);
                    bytes += line.bytes().length;
                }
                return chunk;
            }
        };
    }
}
