package tmdb.ingestion.loader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.file.SourceFile;
import tmdb.ingestion.file.SourceLine;
import tmdb.ingestion.record.Record;
import tmdb.ingestion.record.RecordProcessor;

class WindowAggregationTest {

    private static final int LINE_BYTES = 4_000;
    private static final int CHUNK_BYTES = 100 * LINE_BYTES;
    private static final SourceFile FILE = SourceFile.of(1, "movie/new/a.jsonl", "movie", "new", 0);

    private final CamelContext context = new DefaultCamelContext();
    private int nextLine = 1;

    /** A chunk of records of LINE_BYTES each, as the reader's admission hands it to the mixing stage. */
    private Exchange chunk(int records) {
        List<Record> chunk = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            byte[] bytes = new byte[LINE_BYTES];
            chunk.add(new Record(FILE, new SourceLine(nextLine++, bytes, LINE_BYTES, 0, 0, LINE_BYTES), 0,
                    InFlightBudget.unbounded(), LINE_BYTES));
        }
        Exchange exchange = new DefaultExchange(context);
        exchange.getIn().setBody(chunk);
        return exchange;
    }

    /** Aggregates chunks of 100 records until the window is full; the records it then holds. */
    private int fill(WindowAggregation aggregation) {
        Exchange window = null;
        for (int i = 0; i < 1_000 && (window == null || !aggregation.isFull(window)); i++) {
            window = aggregation.aggregate(window, chunk(100));
        }
        return RecordProcessor.window(window).size();
    }

    @Test
    void aWindowIsFullAtItsRecordCountWhenTheBudgetIsLarge() {
        assertThat(fill(new WindowAggregation(1_000, 16L << 20, CHUNK_BYTES))).isEqualTo(1_000);
    }

    @Test
    void aWindowHoldsAtMostAQuarterOfTheBudgetWhenThatComesFirst() {
        long budget = 8L << 20;
        int records = fill(new WindowAggregation(1_000, budget, CHUNK_BYTES));

        long quarter = budget / WindowAggregation.WINDOWS_IN_BUDGET;
        assertThat((long) records * LINE_BYTES).as("bytes of a full window")
                .isGreaterThanOrEqualTo(quarter).isLessThan(quarter + 100L * LINE_BYTES);
        assertThat(records).isLessThan(1_000);
    }

    @Test
    void aWindowTakesTwoChunksWhateverTheBudgetSoThatItMixesTwoFiles() {
        int records = fill(new WindowAggregation(1_000, 1L << 20, CHUNK_BYTES));

        assertThat((long) records * LINE_BYTES).as("a quarter of a 1 MiB budget is less than two chunks")
                .isEqualTo(2L * CHUNK_BYTES);
    }

    @Test
    void everyRecordOfEveryChunkIsInTheWindowOnce() {
        WindowAggregation aggregation = new WindowAggregation(250, Long.MAX_VALUE, CHUNK_BYTES);
        Exchange first = chunk(100);
        List<Record> expected = new ArrayList<>(RecordProcessor.window(first));
        Exchange window = aggregation.aggregate(null, first);
        for (int i = 0; i < 2; i++) {
            Exchange next = chunk(100);
            expected.addAll(RecordProcessor.window(next));
            window = aggregation.aggregate(window, next);
        }

        assertThat(RecordProcessor.window(window)).containsExactlyElementsOf(expected);
        assertThat(aggregation.isFull(window)).isTrue();
    }
}
