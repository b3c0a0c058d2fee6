package tmdb.ingestion.loader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Collections;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import tmdb.ingestion.file.DamagedContentException;
import tmdb.ingestion.file.FileLifecycle;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.file.IngestionStats;
import tmdb.ingestion.file.JsonlLineReader;
import tmdb.ingestion.file.LineChunk;
import tmdb.ingestion.file.ReadEnd;
import tmdb.ingestion.file.ReadGrant;
import tmdb.ingestion.file.ReadingProperties;

/**
 * The reading route's steps: a grant of the lifecycle becomes a line reader from where the file's reading stopped,
 * its lines come out in chunks, and how the reading ended goes back to the lifecycle as an event. It holds no state
 * of the file's: the grant says all.
 */
public final class FileReading {

    /**
     * The reading route's queue: the lifecycle has at most {@code ingestion.read.files-at-once} grants out, which
     * wait here for one of the {@code ingestion.read.threads} readers, in turn.
     */
    public static final String QUEUE = "seda:read-file?size=" + FileReading.MOST_FILES_AT_ONCE;
    /** The most grants the queue holds, and so the most files read at once. */
    public static final int MOST_FILES_AT_ONCE = 1000;
    private static final String CHUNKS_GIVEN = "TmdbChunksGiven";

    private final FileLifecycle lifecycle;
    private final InFlightBudget budget;
    private final IngestionStats stats;
    private final int sliceChunks;

    /**
     * @param sliceChunks {@code ingestion.read.slice-chunks}: the chunks a reader takes of a plain file before it
     *                    gives the file back, queued behind the others (a compressed file is read to its end: its next
     *                    reader would decompress it again up to there)
     */
    public FileReading(FileLifecycle lifecycle, InFlightBudget budget, IngestionStats stats, int sliceChunks) {
        this.lifecycle = lifecycle;
        this.budget = budget;
        this.stats = stats;
        this.sliceChunks = sliceChunks;
    }

    /** The grant becomes the reader, the body the split takes its chunks from. */
    public void start(Exchange exchange) throws IOException {
        ReadGrant grant = exchange.getIn().getBody(ReadGrant.class);
        exchange.setProperty(ReadingProperties.GRANT, grant);
        AtomicInteger chunksGiven = new AtomicInteger();
        exchange.setProperty(CHUNKS_GIVEN, chunksGiven);
        int slice = grant.format().compressed() ? Integer.MAX_VALUE : sliceChunks;
        exchange.getIn().setBody(JsonlLineReader.of(grant, lifecycle.options().maxLineBytes(), budget,
                () -> chunksGiven.get() >= slice));
    }

    /** The reader's lines in chunks (a line longer than a chunk alone), counted for the slice. */
    public Iterator<LineChunk> chunks(Exchange exchange) {
        if (!(exchange.getIn().getBody() instanceof JsonlLineReader reader)) {
            return Collections.emptyIterator();
        }
        Iterator<LineChunk> chunks = reader.chunks(lifecycle.options().chunkLines(), lifecycle.options().chunkBytes());
        AtomicInteger chunksGiven = exchange.getProperty(CHUNKS_GIVEN, AtomicInteger.class);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return chunks.hasNext();
            }

            @Override
            public LineChunk next() {
                LineChunk chunk = chunks.next();
                chunksGiven.incrementAndGet();
                return chunk;
            }
        };
    }

    /** The reader gave its last line, or stopped where it was asked to. */
    public void ended(Exchange exchange) {
        ReadGrant grant = exchange.getProperty(ReadingProperties.GRANT, ReadGrant.class);
        JsonlLineReader reader = (JsonlLineReader) exchange.getIn().getBody();
        reader.release();
        stats.linesSkipped(grant.file().type(), grant.file().label(), reader.blankLines());
        countBytes(grant, reader);
        lifecycle.readEnded(grant.file(), ReadEnd.of(reader));
    }

    /** Making the reader or reading failed: the lines admitted before still finish their way. */
    public void failed(Exchange exchange) {
        ReadGrant grant = exchange.getProperty(ReadingProperties.GRANT, ReadGrant.class);
        if (grant == null) {
            grant = exchange.getIn().getBody(ReadGrant.class);
        }
        long blankLines = 0;
        if (exchange.getIn().getBody() instanceof JsonlLineReader reader) {
            reader.release();
            blankLines = reader.blankLines();
            stats.linesSkipped(grant.file().type(), grant.file().label(), blankLines);
            countBytes(grant, reader);
        }
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        lifecycle.readBrokeOff(grant, ReadEnd.broken(blankLines), describe(cause));
    }

    private void countBytes(ReadGrant grant, JsonlLineReader reader) {
        long content = reader.contentBytesRead();
        stats.bytesRead(grant.file().type(), grant.file().label(), grant.format().label(), content,
                grant.format().compressed() ? reader.fileBytesRead() : content);
    }

    private static String describe(Throwable cause) {
        Throwable root = cause instanceof UncheckedIOException unchecked ? unchecked.getCause() : cause;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root == null) {
            return "unknown error";
        }
        if (root instanceof NoSuchFileException) {
            return "the file vanished (deleted or moved by someone else)";
        }
        if (root instanceof DamagedContentException) {
            return root.getMessage();
        }
        if (root instanceof AccessDeniedException) {
            return "permission denied; give the application read access to the file";
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
