package tmdb.ingestion.loader;

import java.util.List;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import tmdb.ingestion.record.Record;
import tmdb.ingestion.record.RecordProcessor;

/**
 * Merges chunks of records into a window: the first chunk's list becomes the window's, the next chunks' records are
 * added to it. A window is full once it holds {@code ingestion.mix.window} records (it may hold a chunk's worth more).
 */
public final class WindowAggregation implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange window, Exchange chunk) {
        if (window == null) {
            return chunk;
        }
        List<Record> records = RecordProcessor.window(window);
        records.addAll(RecordProcessor.window(chunk));
        return window;
    }

    /** The aggregator's completion predicate: the window holds at least that many records. */
    public static Predicate holding(int windowRecords) {
        return window -> RecordProcessor.window(window).size() >= windowRecords;
    }
}
