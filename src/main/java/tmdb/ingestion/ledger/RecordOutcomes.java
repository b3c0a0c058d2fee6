package tmdb.ingestion.ledger;

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
 * its file's ledger and the run's counters, gives its in-flight budget back, and finishes the file when it was
 * the last one outstanding.
 */
public final class RecordOutcomes {

    private static final Logger LOG = LoggerFactory.getLogger(RecordOutcomes.class);

    private final FileLedgers ledgers;
    private final InFlightBudget budget;
    private final IngestionStats stats;
    private final RateLimitedLog rejectionLog;

    public RecordOutcomes(FileLedgers ledgers, InFlightBudget budget, IngestionStats stats,
                          int rejectionWarningsPerSecond) {
        this.ledgers = ledgers;
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
        FileLedger ledger = ledgerOf(exchange);
        byte[] value = exchange.getIn().getBody(byte[].class);
        stats.recordPublished(ledger.type(), ledger.label(), exchange.getProperty(RecordProperties.TOPIC, String.class),
                value == null ? 0 : value.length);
        release(exchange);
        if (ledger.published(lineNumber(exchange))) {
            ledgers.finish(ledger);
        }
    }

    private void deadLettered(Exchange exchange) {
        FileLedger ledger = ledgerOf(exchange);
        Rejection rejection = exchange.getProperty(RecordProperties.REJECTION, Rejection.class);
        stats.recordDeadLettered(ledger.type(), ledger.label(), rejection.code());
        rejectionLog.warn("Dead-lettered {}:{} ({}): {}", ledger.identity(), lineNumber(exchange), rejection.code(),
                exchange.getProperty(RecordProperties.REJECTION_DETAIL, String.class));
        release(exchange);
        if (ledger.deadLettered(lineNumber(exchange))) {
            ledgers.finish(ledger);
        }
    }

    public void failed(Exchange exchange) {
        FileLedger ledger = ledgerOf(exchange);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        stats.recordFailed(ledger.type(), ledger.label());
        LOG.error("Could not deliver {}:{} to topic {}: {}", ledger.identity(), lineNumber(exchange),
                exchange.getProperty(RecordProperties.TOPIC), cause == null ? "unknown error" : cause.toString());
        release(exchange);
        if (ledger.failed()) {
            ledgers.finish(ledger);
        }
    }

    private void release(Exchange exchange) {
        Integer taken = exchange.removeProperty(RecordProperties.BUDGET) instanceof Integer bytes ? bytes : null;
        if (taken != null) {
            budget.release(taken);
        }
    }

    private static FileLedger ledgerOf(Exchange exchange) {
        return exchange.getProperty(RecordProperties.LEDGER, FileLedger.class);
    }

    private static long lineNumber(Exchange exchange) {
        SourceLine line = exchange.getProperty(RecordProperties.SOURCE_LINE, SourceLine.class);
        return line == null ? -1 : line.number();
    }
}
