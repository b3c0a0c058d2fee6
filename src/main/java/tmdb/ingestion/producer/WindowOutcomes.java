package tmdb.ingestion.producer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.deadletter.DeadLetterRecord;
import tmdb.ingestion.file.FileOutcomes;
import tmdb.ingestion.file.IngestionStats;
import tmdb.ingestion.file.FileLifecycle;
import tmdb.ingestion.file.SourceFile;
import tmdb.ingestion.record.Record;
import tmdb.ingestion.record.RecordProcessor;
import tmdb.ingestion.record.Rejection;

/**
 * Settles each record of a window from its own send result, never from the window's: acknowledged records are
 * published (or dead-lettered, for a dead letter); a record the broker refuses as too large becomes a dead letter
 * and is sent again as one; a record that failed with an error worth retrying (the broker is away, say) is sent
 * again after a back-off, alone with the others that failed, never with one that was acknowledged; an error Kafka
 * calls final (an invalid topic, a refused authorisation) settles the record as not delivered. Retries go on for
 * {@code ingestion.delivery.redeliveries} rounds (exponential back-off up to a cap: about two hours of outage by
 * default), each also waiting the client's delivery timeout; only then is a record not delivered.
 * <p>
 * What settles goes to the file lifecycle at once (one event per window, by file), into the run's counters, and the
 * records' budget is given back.
 */
public final class WindowOutcomes implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(WindowOutcomes.class);

    private final FileLifecycle files;
    private final IngestionStats stats;
    private final KafkaAvailability availability;
    private final DeadLetterRecord deadLetters;
    private final int redeliveries;
    private final long firstDelayMs;
    private final long maxDelayMs;
    private final RateLimitedLog rejectionLog;

    public WindowOutcomes(FileLifecycle files, IngestionStats stats, KafkaAvailability availability,
                          DeadLetterRecord deadLetters, int redeliveries, long firstDelayMs, long maxDelayMs,
                          int rejectionWarningsPerSecond) {
        this.files = files;
        this.stats = stats;
        this.availability = availability;
        this.deadLetters = deadLetters;
        this.redeliveries = redeliveries;
        this.firstDelayMs = firstDelayMs;
        this.maxDelayMs = maxDelayMs;
        this.rejectionLog = new RateLimitedLog(LOG, rejectionWarningsPerSecond);
    }

    /**
     * After one send of the window's records: settles those whose outcome is final, and leaves as the body the ones
     * to send next (those to send again, and those the send did not take yet), with the delay to wait before
     * ({@link SendProperties#RETRY_DELAY}).
     */
    @Override
    public void process(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<Record> sent = exchange.getProperty(SendProperties.SENT, List.class);
        Exception windowFailure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Settlement settlement = new Settlement();
        List<Record> retry = new ArrayList<>();
        List<Record> nowDeadLetters = new ArrayList<>();
        Exception retryCause = null;
        for (Record record : sent) {
            Exchange message = record.sentAs();
            Exception error = message == null ? null : message.getException();
            if (error == null && message != null
                    && message.getMessage().getHeader(KafkaConstants.KAFKA_RECORD_META) != null) {
                settlement.delivered(record);
            } else if (error instanceof RecordTooLargeException && !record.rejected()) {
                record.reject(Rejection.RECORD_TOO_LARGE, "the record was refused: " + error.getMessage());
                deadLetters.process(record);
                nowDeadLetters.add(record);
            } else if (error == null || isRetriable(error)) {
                retry.add(record);
                retryCause = error == null ? windowFailure : error;
            } else {
                settlement.notDelivered(record, error);
            }
        }
        int round = exchange.getProperty(SendProperties.RETRY_ROUND, 0, Integer.class);
        long delayMs = 0;
        if (!retry.isEmpty()) {
            round++;
            if (round > redeliveries) {
                retry.forEach(record -> settlement.notDelivered(record, exception(exchange, record)));
                retry.clear();
            } else {
                availability.sendFailed(retryCause, retry.stream().map(Record::topic).collect(Collectors.toSet()));
                delayMs = Math.min(maxDelayMs, firstDelayMs << Math.min(round - 1, 30));
            }
        }
        settlement.apply();
        retry.addAll(nowDeadLetters);
        @SuppressWarnings("unchecked")
        List<Record> notSent = exchange.getProperty(SendProperties.NOT_SENT, List.class);
        retry.addAll(notSent);
        exchange.removeProperty(Exchange.EXCEPTION_CAUGHT);
        exchange.setProperty(SendProperties.RETRY_ROUND, round);
        exchange.setProperty(SendProperties.RETRY_DELAY, delayMs);
        exchange.getIn().setBody(retry);
    }

    /** Records committed in a Kafka transaction: all acknowledged. */
    public void committed(List<Record> records) {
        Settlement settlement = new Settlement();
        records.forEach(settlement::delivered);
        settlement.apply();
    }

    /**
     * A window that could not be processed (an unexpected error, a bug): its records are not delivered, so that
     * their files fail instead of waiting for them forever.
     */
    public void windowFailed(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.error("A window of records could not be processed", cause);
        @SuppressWarnings("unchecked")
        List<Record> sent = exchange.getProperty(SendProperties.SENT, List.class);
        Settlement settlement = new Settlement();
        for (Record record : sent != null ? sent : RecordProcessor.window(exchange)) {
            settlement.notDelivered(record, cause);
        }
        settlement.apply();
    }

    private static Exception exception(Exchange exchange, Record record) {
        Exception error = record.sentAs() == null ? null : record.sentAs().getException();
        return error != null ? error : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    }

    /** An error worth sending the record again for: Kafka says it is retriable, or it is not Kafka's at all. */
    public static boolean isRetriable(Exception error) {
        return error instanceof RetriableException || !(error instanceof KafkaException);
    }

    /** The outcomes of one round, taken into the files' accounts, the counters and the budget at once. */
    private final class Settlement {

        private final Map<SourceFile, FileOutcomes> byFile = new LinkedHashMap<>();
        private final Map<List<String>, long[]> published = new LinkedHashMap<>();
        private final Map<List<String>, Long> deadLettered = new LinkedHashMap<>();
        private final Map<List<String>, Long> failed = new LinkedHashMap<>();
        private final List<Record> resolved = new ArrayList<>();
        private final Set<String> deliveredTo = new HashSet<>();

        void delivered(Record record) {
            deliveredTo.add(record.topic());
            FileOutcomes outcomes = outcomesOf(record);
            if (record.rejected()) {
                outcomes.deadLettered(record.line().number());
                deadLettered.merge(List.of(record.type(), record.label(), record.rejection().code()), 1L, Long::sum);
                rejectionLog.warn("Dead-lettered {} ({}): {}", record, record.rejection().code(),
                        record.rejectionDetail());
            } else {
                outcomes.published(record.line().number());
                long[] counts = published.computeIfAbsent(List.of(record.type(), record.label(), record.topic()),
                        key -> new long[2]);
                counts[0]++;
                counts[1] += record.value().length;
            }
            resolved.add(record);
        }

        void notDelivered(Record record, Exception cause) {
            outcomesOf(record).notDelivered();
            failed.merge(List.of(record.type(), record.label()), 1L, Long::sum);
            LOG.error("Could not deliver {} to topic {}: {}", record, record.topic(),
                    cause == null ? "unknown error" : cause.toString());
            resolved.add(record);
        }

        private FileOutcomes outcomesOf(Record record) {
            return byFile.computeIfAbsent(record.file(), file -> new FileOutcomes());
        }

        void apply() {
            if (!byFile.isEmpty()) {
                files.resolved(byFile);
            }
            published.forEach((tags, counts) ->
                    stats.recordsPublished(tags.get(0), tags.get(1), tags.get(2), counts[0], counts[1]));
            deadLettered.forEach((tags, count) -> stats.recordsDeadLettered(tags.get(0), tags.get(1), tags.get(2),
                    count));
            failed.forEach((tags, count) -> stats.recordsFailed(tags.get(0), tags.get(1), count));
            resolved.forEach(Record::releaseBudget);
            if (!deliveredTo.isEmpty()) {
                availability.delivered(deliveredTo);
            }
        }
    }
}
