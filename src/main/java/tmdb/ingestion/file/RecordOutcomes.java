package tmdb.ingestion.file;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.RecordProperties;
import tmdb.ingestion.loader.InFlightBudget;
import tmdb.ingestion.loader.SourceLine;
import tmdb.ingestion.monitor.IngestionStats;
import tmdb.ingestion.preprocessor.Rejection;

/**
 * Resolves a record: published, dead-lettered or failed. Each record is resolved exactly once; resolving it updates
 * its file's account and the run's counters, and gives its in-flight budget back; the file settles on the
 * lifecycle's next tick once nothing is outstanding.
 */
public final class RecordOutcomes {

    private static final Logger LOG = LoggerFactory.getLogger(RecordOutcomes.class);

    private final InFlightBudget budget;
    private final IngestionStats stats;
    private final RateLimitedLog rejectionLog;

    public RecordOutcomes(InFlightBudget budget, IngestionStats stats,
                          int rejectionWarningsPerSecond) {
        this.budget = budget;
        this.stats = stats;
        this.rejectionLog = new RateLimitedLog(LOG, rejectionWarningsPerSecond);
    }

    /** Kafka acknowledged the record: a published record or a dead letter. */
    public void delivered(Exchange exchange) {
        if (exchange.getProperty(RecordProperties.REJECTION) == null) {
            published(exchange);
        } else {
            deadLettered(exchange);
        }
    }

    private void published(Exchange exchange) {
        TrackedFile file = fileOf(exchange);
        byte[] value = exchange.getIn().getBody(byte[].class);
        stats.recordPublished(file.type(), file.label(), exchange.getProperty(RecordProperties.TOPIC, String.class),
                value == null ? 0 : value.length);
        release(exchange);
        file.published(lineNumber(exchange));
    }

    private void deadLettered(Exchange exchange) {
        TrackedFile file = fileOf(exchange);
        Rejection rejection = exchange.getProperty(RecordProperties.REJECTION, Rejection.class);
        stats.recordDeadLettered(file.type(), file.label(), rejection.code());
        rejectionLog.warn("Dead-lettered {}:{} ({}): {}", file.identity(), lineNumber(exchange), rejection.code(),
                exchange.getProperty(RecordProperties.REJECTION_DETAIL, String.class));
        release(exchange);
        file.deadLettered(lineNumber(exchange));
    }

    public void failed(Exchange exchange) {
        TrackedFile file = fileOf(exchange);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        stats.recordFailed(file.type(), file.label());
        LOG.error("Could not deliver {}:{} to topic {}: {}", file.identity(), lineNumber(exchange),
                exchange.getProperty(RecordProperties.TOPIC), cause == null ? "unknown error" : cause.toString());
        release(exchange);
        file.failed();
    }

    private void release(Exchange exchange) {
        Integer taken = exchange.removeProperty(RecordProperties.BUDGET) instanceof Integer bytes ? bytes : null;
        if (taken != null) {
            budget.release(taken);
        }
    }

    private static TrackedFile fileOf(Exchange exchange) {
        return exchange.getProperty(RecordProperties.FILE, TrackedFile.class);
    }

    private static long lineNumber(Exchange exchange) {
        SourceLine line = exchange.getProperty(RecordProperties.SOURCE_LINE, SourceLine.class);
        return line == null ? -1 : line.number();
    }
}
