package tmdb.ingestion.producer;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.file.InFlightBudget;

/**
 * Says, in one line, when Kafka stops taking records and when it takes them again. While it is away, records
 * wait for their redelivery and readers wait for the in-flight budget: the pipeline pauses, memory stays
 * bounded, and the Kafka client's own reconnection warnings stay quiet (see log4j2.properties).
 */
public final class KafkaAvailability {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaAvailability.class);
    private static final long REMINDER_NANOS = 60_000_000_000L;
    /** A failure this soon after an acknowledgement is a straggler of the last outage, not a new one. */
    private static final long GRACE_NANOS = 5_000_000_000L;

    private final String bootstrapServers;
    private final InFlightBudget budget;
    private final AtomicLong outageSince = new AtomicLong();
    private final AtomicLong lastReminder = new AtomicLong();
    private volatile long lastDelivered;

    public KafkaAvailability(String bootstrapServers, InFlightBudget budget) {
        this.bootstrapServers = bootstrapServers;
        this.budget = budget;
    }

    /** A record was acknowledged: Kafka is there. */
    public void delivered() {
        lastDelivered = System.nanoTime();
        long since = outageSince.get();
        if (since != 0 && outageSince.compareAndSet(since, 0)) {
            LOG.info("Kafka at {} takes records again after {} s; ingestion resumes", bootstrapServers,
                    (System.nanoTime() - since) / 1_000_000_000L);
        }
    }

    /** A send failed with an error worth retrying; called before each redelivery. */
    public void sendFailed(Exception cause) {
        long now = System.nanoTime();
        if (lastDelivered != 0 && now - lastDelivered < GRACE_NANOS) {
            return;
        }
        if (outageSince.compareAndSet(0, now)) {
            lastReminder.set(now);
            LOG.warn("Waiting for Kafka at {}: {}. Records are held and retried; reading pauses while {} bytes "
                    + "are waiting", bootstrapServers, describe(cause), budget.bytesInFlight());
            return;
        }
        long last = lastReminder.get();
        if (now - last > REMINDER_NANOS && lastReminder.compareAndSet(last, now)) {
            LOG.warn("Still waiting for Kafka at {} ({} s); {} bytes of records held", bootstrapServers,
                    (now - outageSince.get()) / 1_000_000_000L, budget.bytesInFlight());
        }
    }

    /** True while sends fail: from the first failure after an acknowledgement to the next acknowledgement. */
    public boolean waiting() {
        return outageSince.get() != 0;
    }

    /** Seconds since Kafka stopped taking records, 0 when it takes them. */
    public long waitingSeconds() {
        long since = outageSince.get();
        return since == 0 ? 0 : (System.nanoTime() - since) / 1_000_000_000L;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    private static String describe(Exception cause) {
        if (cause == null || cause.getMessage() == null) {
            return "send failed";
        }
        String message = cause.getMessage().strip();
        return message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
    }
}
