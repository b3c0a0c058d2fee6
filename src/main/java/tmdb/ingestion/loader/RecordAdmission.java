package tmdb.ingestion.loader;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import tmdb.ingestion.config.Seed;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.file.IngestionStats;
import tmdb.ingestion.file.ReadingProperties;
import tmdb.ingestion.file.SourceLine;
import tmdb.ingestion.file.TrackedFile;
import tmdb.ingestion.record.Record;

/**
 * Admits a chunk of lines into the pipeline: the lines a resumed file delivered before its restart go by (and give
 * their budget back), the others are entered in their file's account (one lock for the chunk) and become records,
 * each keeping its line's budget and getting the stable random key the mixing stage orders by. The records become
 * the body.
 */
public final class RecordAdmission implements Processor {

    private static final long MIX_PURPOSE = 1;

    private final InFlightBudget budget;
    private final Seed seed;
    private final IngestionStats stats;

    public RecordAdmission(InFlightBudget budget, Seed seed, IngestionStats stats) {
        this.budget = budget;
        this.seed = seed;
        this.stats = stats;
    }

    @Override
    public void process(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<SourceLine> chunk = exchange.getIn().getBody(List.class);
        TrackedFile file = exchange.getProperty(ReadingProperties.FILE, TrackedFile.class);
        file.admit(chunk);
        List<Record> records = new ArrayList<>(chunk.size());
        long resent = 0;
        for (SourceLine line : chunk) {
            if (file.resolvedBefore(line.number())) {
                budget.release(line.permits());
            } else {
                resent += file.pendingBefore(line.number()) ? 1 : 0;
                records.add(new Record(file, line, seed.draw(file.identityHash(), line.number(), MIX_PURPOSE), budget,
                        line.permits()));
            }
        }
        stats.recordsRead(file.type(), file.label(), records.size());
        stats.linesAlreadyDelivered(file.type(), file.label(), chunk.size() - records.size());
        stats.linesResent(file.type(), file.label(), resent);
        exchange.getIn().setBody(records);
    }
}
