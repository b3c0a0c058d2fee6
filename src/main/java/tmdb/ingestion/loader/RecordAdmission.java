package tmdb.ingestion.loader;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import tmdb.ingestion.RecordProperties;
import tmdb.ingestion.config.Seed;
import tmdb.ingestion.ledger.FileLedger;
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
        FileLedger ledger = exchange.getProperty(RecordProperties.LEDGER, FileLedger.class);
        exchange.setProperty(RecordProperties.BUDGET, budget.acquire(line.bytes().length));
        ledger.admitted(line);
        stats.recordRead(ledger.type(), ledger.label());
        exchange.setProperty(RecordProperties.SOURCE_LINE, line);
        exchange.setProperty(RecordProperties.MIX_KEY, seed.draw(ledger.identity(), line.number(), MIX_PURPOSE));
        exchange.getIn().setBody(line.bytes());
    }
}
