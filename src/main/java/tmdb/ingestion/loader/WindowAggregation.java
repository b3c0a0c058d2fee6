package tmdb.ingestion.loader;

import java.util.List;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import tmdb.ingestion.record.Record;
import tmdb.ingestion.record.RecordProcessor;

/**
 * Merges chunks of records into a window: the first chunk's list becomes the window's, the next chunks' records are
 * added to it. A window is full once it holds {@code ingestion.mix.window} records, or a quarter of the in-flight
 * budget in bytes (it may hold a chunk's worth more). A window that could hold half the budget or more would leave
 * the pipeline one window deep: under {@code -Xmx256m} (an 8 MiB budget) two windows of 1,000 records took all of it,
 * the next one could not fill until the last was acknowledged, and a 1 GB run took a sixth longer than with windows
 * of 500 (src/bench/README.md). Whatever the budget, a window may take two chunks' bytes: fewer would leave a window
 * the lines of one file, not mixed.
 */
public final class WindowAggregation implements AggregationStrategy {

    /** Windows in the in-flight budget at once, at least: one filling, the others parsed, sent, acknowledged. */
    static final int WINDOWS_IN_BUDGET = 4;

    private static final String BYTES = "tmdb.windowBytes";

    private final int windowRecords;
    private final long windowBytes;

    /**
     * @param windowRecords the records a window holds when full
     * @param budgetBytes   the in-flight budget's capacity, of which a window holds a quarter
     * @param chunkBytes    the bytes of a chunk, at most, unless a line is longer ({@code ingestion.read.chunk-bytes})
     */
    public WindowAggregation(int windowRecords, long budgetBytes, long chunkBytes) {
        this.windowRecords = windowRecords;
        this.windowBytes = Math.max(budgetBytes / WINDOWS_IN_BUDGET, 2 * chunkBytes);
    }

    @Override
    public Exchange aggregate(Exchange window, Exchange chunk) {
        long chunkBytes = bytesOf(RecordProcessor.window(chunk));
        if (window == null) {
            chunk.setProperty(BYTES, chunkBytes);
            return chunk;
        }
        RecordProcessor.window(window).addAll(RecordProcessor.window(chunk));
        window.setProperty(BYTES, window.getProperty(BYTES, 0L, Long.class) + chunkBytes);
        return window;
    }

    /** The aggregator's completion predicate: the window holds enough records, or enough of the budget. */
    public boolean isFull(Exchange window) {
        return RecordProcessor.window(window).size() >= windowRecords
                || window.getProperty(BYTES, 0L, Long.class) >= windowBytes;
    }

    private static long bytesOf(List<Record> records) {
        long bytes = 0;
        for (Record record : records) {
            bytes += record.line().permits();
        }
        return bytes;
    }
}
