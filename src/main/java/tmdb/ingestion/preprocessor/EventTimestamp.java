package tmdb.ingestion.preprocessor;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import tmdb.ingestion.RecordHeaders;
import tmdb.ingestion.RecordProperties;
import tmdb.ingestion.config.EventTimeWindows;
import tmdb.ingestion.config.Seed;
import tmdb.ingestion.file.TrackedFile;
import tmdb.ingestion.loader.SourceLine;

/** Chooses the record's event time under the configured policy and sets it as the {@code timestamp} header. */
public final class EventTimestamp implements Processor {

    private static final long TIMESTAMP_PURPOSE = 2;

    private final TimestampPolicy policy;
    private final EventTimeWindows windows;
    private final Seed seed;

    public EventTimestamp(TimestampPolicy policy, EventTimeWindows windows, Seed seed) {
        this.policy = policy;
        this.windows = windows;
        this.seed = seed;
    }

    @Override
    public void process(Exchange exchange) {
        exchange.getIn().setHeader(RecordHeaders.TIMESTAMP, timestampOf(exchange).toString());
    }

    private Instant timestampOf(Exchange exchange) {
        if (policy == TimestampPolicy.PROCESSING_TIME) {
            return Instant.now().truncatedTo(ChronoUnit.MILLIS);
        }
        TrackedFile file = exchange.getProperty(RecordProperties.FILE, TrackedFile.class);
        SourceLine line = exchange.getProperty(RecordProperties.SOURCE_LINE, SourceLine.class);
        EventTimeWindows.Window window = windows.require(file.label());
        long offset = seed.drawBelow(file.identity(), line.number(), TIMESTAMP_PURPOSE, window.seconds());
        return window.start().plusSeconds(offset);
    }
}
