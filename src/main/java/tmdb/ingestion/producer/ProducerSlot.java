package tmdb.ingestion.producer;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka producer of one transactional id and its open transaction, for a {@link TransactionalSender}: made,
 * started, begun and closed only here. A start takes the transactional id (another instance's producer with it is
 * fenced and its open transaction aborted), so none is made once the sender's state forbids it.
 * <p>
 * Starting and beginning hold this slot's lock; a commit does not (it may wait for Kafka for as long as the stop
 * allows, and is exclusive with sends through the sender's transaction lock), and the stop closes the producer
 * without the lock, which a start blocked on Kafka may hold.
 */
final class ProducerSlot {

    private static final Logger LOG = LoggerFactory.getLogger(ProducerSlot.class);
    private static final String DEFAULT_TRANSACTION_TIMEOUT_MS = "60000";

    private final Supplier<Properties> producerConfig;
    private final Function<Properties, Producer<String, byte[]>> newProducer;
    private final String transactionalId;
    private final long commitIntervalMs;
    private final MeterRegistry meters;
    private final SenderState state;

    private volatile Producer<String, byte[]> producer;
    private volatile KafkaClientMetrics producerMetrics;
    private boolean initialized;
    private boolean inTransaction;
    /**
     * When the open transaction's first record was sent (0 before): the coordinator times a transaction from then;
     * and how long it lets a transaction stay open.
     */
    private final AtomicLong firstSendNanos = new AtomicLong();
    private long transactionTimeoutNanos;

    ProducerSlot(Supplier<Properties> producerConfig, Function<Properties, Producer<String, byte[]>> newProducer,
                 String transactionalId, long commitIntervalMs, MeterRegistry meters, SenderState state) {
        this.producerConfig = producerConfig;
        this.newProducer = newProducer;
        this.transactionalId = transactionalId;
        this.commitIntervalMs = commitIntervalMs;
        this.meters = meters;
        this.state = state;
    }

    /** Makes and starts a producer unless one is started: returns once the transactional id is this one's. */
    synchronized void start() {
        // a record that got past a loss, a recovery, or a last commit the stop gave up waiting for
        state.refuseProducerUnlessAllowed();
        if (producer == null) {
            Properties config = producerConfig.get();
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
            transactionTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(config.getOrDefault(
                    ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, DEFAULT_TRANSACTION_TIMEOUT_MS).toString()));
            producer = newProducer.apply(config);
            producerMetrics = new KafkaClientMetrics(producer);
            producerMetrics.bindTo(meters);
            initialized = false;
            // the stop may have looked for a producer to close while this one was being made, before it was set
            if (!state.mayStartProducer()) {
                close();
                state.refuseProducerUnlessAllowed();
            }
        }
        if (!initialized) {
            producer.initTransactions();
            initialized = true;
            inTransaction = false;
            LOG.info("Exactly-once delivery: transactional id {}, a commit every {} ms", transactionalId,
                    commitIntervalMs);
        }
    }

    /** Starts the producer if needed and begins a transaction unless one is open. */
    synchronized void begin() {
        start();
        if (!inTransaction) {
            producer.beginTransaction();
            inTransaction = true;
            firstSendNanos.set(0);
        }
    }

    /**
     * The producer in an open transaction, for a send: the transaction's time runs from its first send. Refused
     * (IllegalStateException) once the sender's state forbids a producer, like {@link #start}.
     */
    synchronized Producer<String, byte[]> sending() {
        begin();
        firstSendNanos.compareAndSet(0, System.nanoTime());
        return producer;
    }

    /** Commits the open transaction; a timeout leaves it open, to commit again. */
    void commitTransaction() {
        producer.commitTransaction();
        inTransaction = false;
    }

    boolean inTransaction() {
        return inTransaction;
    }

    /** How long the open transaction has been open since its first send (0 before it). */
    long openForNanos() {
        long firstSend = firstSendNanos.get();
        return firstSend == 0 ? 0 : System.nanoTime() - firstSend;
    }

    long transactionTimeoutMillis() {
        return TimeUnit.NANOSECONDS.toMillis(transactionTimeoutNanos);
    }

    /**
     * True when the open transaction has been open, since its first record, for longer than the coordinator allows:
     * the coordinator aborted it and bumped the producer's epoch, so a fencing error now is this instance's own
     * doing. A fencing of a younger transaction, or of one with nothing sent yet, is another instance's.
     */
    boolean outlivedItsTimeout() {
        long firstSend = firstSendNanos.get();
        return inTransaction && firstSend != 0 && System.nanoTime() - firstSend > transactionTimeoutNanos;
    }

    /**
     * Closes the producer at once; its open transaction, if any, is left to the next start of the transactional id
     * to abort. The next {@link #start} makes another.
     */
    synchronized void close() {
        Producer<String, byte[]> closing = producer;
        if (closing != null) {
            producer = null;
            producerMetrics.close();
            closing.close(Duration.ZERO);
        }
        inTransaction = false;
    }

    /**
     * Closes the producer without this slot's lock, which a call waiting for Kafka may hold: that call then fails,
     * and whatever made it closes the producer again.
     */
    void closeUnlocked(Duration timeout) {
        Producer<String, byte[]> closing = producer;
        if (closing != null) {
            producerMetrics.close();
            closing.close(timeout);
        }
    }
}
