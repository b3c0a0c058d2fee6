package tmdb.ingestion.loader;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import tmdb.ingestion.RecordProperties;
import tmdb.ingestion.config.Seed;
import tmdb.ingestion.file.TrackedFile;
import tmdb.ingestion.monitor.IngestionStats;

/**
 * Admits one line into the pipeline: waits for in-flight budget, enters it in its file's ledger, and gives it
 * the stable random key the mixing stage orders by. The line's bytes become the body.
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
    public void process(Exchange exchange) throws Exception {
        SourceLine line = exchange.getIn().getBody(SourceLine.class);
        TrackedFile file = exchange.getProperty(RecordProperties.FILE, TrackedFile.class);
        exchange.setProperty(RecordProperties.BUDGET, budget.acquire(line.bytes().length));
        file.admitted(line);
        stats.recordRead(file.type(), file.label());
        exchange.setProperty(RecordProperties.SOURCE_LINE, line);
        exchange.setProperty(RecordProperties.MIX_KEY, seed.draw(file.identity(), line.number(), MIX_PURPOSE));
        exchange.getIn().setBody(line.bytes());
    }
}
