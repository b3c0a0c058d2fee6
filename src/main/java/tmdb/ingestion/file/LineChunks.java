package tmdb.ingestion.file;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.LongPredicate;

/**
 * A reader's lines in chunks of at most {@code maxLines} lines and {@code maxBytes} bytes (a longer line makes a chunk
 * alone): one exchange and one event per chunk instead of per line. A chunk also ends where the next line would have
 * to wait for budget, so that what the reader holds goes on first.
 * <p>
 * {@code hasNext()} never reads nor waits: Camel's splitter asks it before it sends the chunk it holds, and a reader
 * waiting there for budget that only that chunk can give back would wait forever. The waiting happens in
 * {@code next()}, which may therefore find nothing more (the rest was blank, or a line still being written) and answer
 * an empty chunk.
 * <p>
 * A chunk is handed over only if, once its bytes were read, the file still holds the content read
 * ({@code contentRead}: it still starts with the bytes known of it, and is not shorter than what was read). A file
 * rewritten in place while it is read (same inode, so the same channel) gives none of its new content to this reader,
 * not even a line cut in the middle: the chunk's lines give their budget back, the reader stops where the chunk
 * began, and the lifecycle reads the new content as a new file.
 */
final class LineChunks implements Iterator<LineChunk> {

    private final JsonlLineReader reader;
    private final int maxLines;
    private final long maxBytes;
    private final LongPredicate contentRead;
    private final InFlightBudget budget;
    private boolean exhausted;
    /** Reading failed after the lines of the last chunk: they went on, and the failure comes next. */
    private UncheckedIOException failure;
    /**
     * Where the reading stood right after the last line handed over (or at its start): a reader asked to stop goes
     * back there, so that the blank lines it skipped looking for the next line are counted by the reader that resumes
     * after that line, not twice.
     */
    private final long[] afterLastTaken = new long[3];
    /** Where the chunk being read began. */
    private final long[] beforeChunk = new long[3];

    LineChunks(JsonlLineReader reader, InFlightBudget budget, int maxLines, long maxBytes, LongPredicate contentRead) {
        this.reader = reader;
        this.budget = budget;
        this.maxLines = maxLines;
        this.maxBytes = maxBytes;
        this.contentRead = contentRead;
        reader.mark(afterLastTaken);
    }

    @Override
    public boolean hasNext() {
        return failure != null || !exhausted && reader.mayHaveMore();
    }

    @Override
    public LineChunk next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        if (failure != null) {
            UncheckedIOException failed = failure;
            failure = null;
            exhausted = true;
            throw failed;
        }
        reader.mark(beforeChunk);
        List<SourceLine> chunk = read();
        if (!chunk.isEmpty() && !contentRead.test(reader.bytesRead())) {
            chunk.forEach(line -> budget.release(line.permits()));
            reader.stopAt(beforeChunk);
            System.arraycopy(beforeChunk, 0, afterLastTaken, 0, afterLastTaken.length);
            chunk = List.of();
            // a failure met reading content that was replaced is not the file's: the lifecycle reads the new content
            failure = null;
        }
        exhausted = chunk.isEmpty();
        if (exhausted && reader.stoppedEarly()) {
            reader.stopAt(afterLastTaken);
        }
        return new LineChunk(chunk, reader.headRead());
    }

    private List<SourceLine> read() {
        List<SourceLine> chunk = new ArrayList<>(Math.min(maxLines, 128));
        try {
            readInto(chunk);
        } catch (UncheckedIOException e) {
            if (chunk.isEmpty()) {
                throw e;
            }
            // the lines read before the failure (damaged compressed data, say) go on; the failure follows them
            failure = e;
        }
        return chunk;
    }

    private void readInto(List<SourceLine> chunk) {
        long bytes = 0;
        while (chunk.size() < maxLines && !reader.stopAsked()) {
            boolean alone = chunk.isEmpty();
            if (!reader.ready(alone) || !alone && bytes + reader.readyBytes() > maxBytes) {
                break;
            }
            SourceLine taken = reader.takeReady(alone);
            if (taken == null) {
                break;
            }
            chunk.add(taken);
            reader.mark(afterLastTaken);
            bytes += taken.bytes().length;
            if (reader.tookLongLine()) {
                break;
            }
        }
    }
}
