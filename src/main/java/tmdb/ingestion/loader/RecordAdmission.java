package tmdb.ingestion.loader;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.config.Seed;
import tmdb.ingestion.file.AdmittedLines;
import tmdb.ingestion.file.FileLifecycle;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.file.IngestionStats;
import tmdb.ingestion.file.LineChunk;
import tmdb.ingestion.file.ReadGrant;
import tmdb.ingestion.file.ReadingProperties;
import tmdb.ingestion.file.SourceFile;
import tmdb.ingestion.file.SourceLine;
import tmdb.ingestion.record.Record;

/**
 * Admits a chunk of lines into the pipeline: the lines a resumed file delivered before its restart go by (and give
 * their budget back), the others become records, each keeping its line's budget and getting the stable random key the
 * mixing stage orders by. What the chunk did to its file's account goes to the lifecycle as one event, before the
 * records go on (so it is counted before any of their outcomes). The records become the body.
 */
public final class RecordAdmission implements Processor {

    private static final long MIX_PURPOSE = 1;

    private final FileLifecycle lifecycle;
    private final InFlightBudget budget;
    private final Seed seed;
    private final IngestionStats stats;

    public RecordAdmission(FileLifecycle lifecycle, InFlightBudget budget, Seed seed, IngestionStats stats) {
        this.lifecycle = lifecycle;
        this.budget = budget;
        this.seed = seed;
        this.stats = stats;
    }

    @Override
    public void process(Exchange exchange) {
        LineChunk lines = exchange.getIn().getBody(LineChunk.class);
        List<SourceLine> chunk = lines.lines();
        ReadGrant grant = exchange.getProperty(ReadingProperties.GRANT, ReadGrant.class);
        SourceFile file = grant.file();
        Checkpoint resumedFrom = grant.resumedFrom();
        AdmittedLines admitted = new AdmittedLines(chunk.size(), lines.head());
        List<Record> records = new ArrayList<>(chunk.size());
        long resent = 0;
        for (SourceLine line : chunk) {
            if (resumedFrom != null && resumedFrom.resolvedBefore(line.number())) {
                admitted.passed(line);
                budget.release(line.permits());
            } else {
                admitted.admitted(line);
                resent += resumedFrom != null && resumedFrom.pendingBefore(line.number()) ? 1 : 0;
                records.add(new Record(file, line, seed.draw(file.identityHash(), line.number(), MIX_PURPOSE), budget,
                        line.permits()));
            }
        }
        lifecycle.admitted(file, admitted);
        stats.recordsRead(file.type(), file.label(), records.size());
        stats.linesAlreadyDelivered(file.type(), file.label(), chunk.size() - records.size());
        stats.linesResent(file.type(), file.label(), resent);
        exchange.getIn().setBody(records);
    }
}
