package tmdb.ingestion.producer;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.file.InFlightBudget;

/**
 * Says, in one line, when Kafka stops taking records and when it takes them again, or, when the cluster answers
 * but a topic the run writes has gone (deleted under it), which topic. While it lasts, records wait for their
 * redelivery and readers wait for the in-flight budget: the pipeline pauses, memory stays bounded, and the Kafka
 * client's own reconnection warnings stay quiet (see log4j2.properties).
 * <p>
 * A failed send says neither by itself (a producer that has no metadata for a topic says "not present in metadata"
 * whether the topic is gone or the cluster is away), so the topics of the failed records are looked up first,
 * without holding the thread that reported the failure; the message follows the answer.
 */
public final class KafkaAvailability {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaAvailability.class);
    private static final long REMINDER_NANOS = 60_000_000_000L;
    /** A failure this soon after an acknowledgement is a straggler of the last outage, not a new one. */
    private static final long GRACE_NANOS = 5_000_000_000L;
    /** Failures within this time of a lookup are explained by its answer. */
    private static final long LOOKUP_INTERVAL_NANOS = 5_000_000_000L;

    private final String bootstrapServers;
    private final InFlightBudget budget;
    private final TopicLookup topics;
    private final AtomicLong outageSince = new AtomicLong();
    private final AtomicLong lastReminder = new AtomicLong();
    private final AtomicBoolean lookingUp = new AtomicBoolean();
    private final Map<String, Long> missingSince = new ConcurrentHashMap<>();
    private final Map<String, Long> lastTopicReminder = new ConcurrentHashMap<>();
    private final long graceNanos;
    private final AtomicBoolean recheckScheduled = new AtomicBoolean();
    private volatile long lastLookup;
    private volatile long lastDelivered;

    /** Which of some topics the cluster does not have, asked without waiting; and a topic's name for messages. */
    public interface TopicLookup {

        /** Completes with the topics the cluster does not have, or exceptionally when it does not answer. */
        CompletableFuture<Set<String>> missingAmong(Collection<String> names);

        String describe(String topic);
    }

    public KafkaAvailability(String bootstrapServers, InFlightBudget budget, TopicLookup topics) {
        this(bootstrapServers, budget, topics, GRACE_NANOS);
    }

    KafkaAvailability(String bootstrapServers, InFlightBudget budget, TopicLookup topics, long graceNanos) {
        this.bootstrapServers = bootstrapServers;
        this.budget = budget;
        this.topics = topics;
        this.graceNanos = graceNanos;
    }

    /** Records to these topics were acknowledged: Kafka is there, and so are they. */
    public void delivered(Collection<String> toTopics) {
        long now = System.nanoTime();
        lastDelivered = now;
        long since = outageSince.get();
        if (since != 0 && outageSince.compareAndSet(since, 0)) {
            LOG.info("Kafka at {} takes records again after {} s; ingestion resumes", bootstrapServers,
                    (now - since) / 1_000_000_000L);
        }
        if (!missingSince.isEmpty()) {
            for (String topic : toTopics) {
                Long gone = missingSince.remove(topic);
                if (gone != null) {
                    lastTopicReminder.remove(topic);
                    LOG.info("{} exists again after {} s; its records go through", topics.describe(topic),
                            (now - gone) / 1_000_000_000L);
                }
            }
        }
    }

    /** Sends of records to these topics failed with an error worth retrying; called before each redelivery. */
    public void sendFailed(Exception cause, Set<String> toTopics) {
        long now = System.nanoTime();
        if (!missingSince.isEmpty() && missingSince.keySet().containsAll(toTopics)) {
            remindOfMissingTopics(now);
            return;
        }
        if (now - lastLookup < LOOKUP_INTERVAL_NANOS || !lookingUp.compareAndSet(false, true)) {
            remindOfOutage(now);
            return;
        }
        lastLookup = now;
        if (toTopics.isEmpty()) {
            // a commit that failed with no record: no topic to look up
            lookingUp.set(false);
            kafkaAway(cause, now);
            return;
        }
        topics.missingAmong(toTopics).whenComplete((missing, lookupFailed) -> {
            lookingUp.set(false);
            if (lookupFailed == null) {
                missing.forEach(this::topicMissing);
            }
            if (lookupFailed != null || !missing.containsAll(toTopics)) {
                kafkaAway(cause, now);
            }
        });
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

    /** The topics found gone while their records wait, named with their settings; empty when none is. */
    public Set<String> missingTopics() {
        return missingSince.keySet().stream().map(topics::describe).collect(Collectors.toCollection(TreeSet::new));
    }

    private void topicMissing(String topic) {
        long now = System.nanoTime();
        if (missingSince.putIfAbsent(topic, now) == null) {
            lastTopicReminder.put(topic, now);
            LOG.warn("{} does not exist at {} (deleted while the run went on?): its records are held and retried, "
                    + "and reading pauses once {} bytes wait. Create it again (kafka-topics.sh --create); after "
                    + "ingestion.delivery.redeliveries rounds its records count as not delivered",
                    topics.describe(topic), bootstrapServers, budget.capacity());
        }
    }

    private void remindOfMissingTopics(long now) {
        missingSince.forEach((topic, since) -> {
            Long last = lastTopicReminder.get(topic);
            if (last != null && now - last > REMINDER_NANOS && lastTopicReminder.replace(topic, last, now)) {
                LOG.warn("{} still does not exist at {} ({} s); {} bytes of records held", topics.describe(topic),
                        bootstrapServers, (now - since) / 1_000_000_000L, budget.bytesInFlight());
            }
        });
    }

    private void kafkaAway(Exception cause, long failedAt) {
        long delivered = lastDelivered;
        if (delivered != 0 && failedAt - delivered < graceNanos) {
            // a straggler, unless nothing is acknowledged by the end of the grace: the senders may not fail again
            // for a while (a new producer waits for Kafka for up to max.block.ms), so this looks again then
            if (recheckScheduled.compareAndSet(false, true)) {
                CompletableFuture.delayedExecutor(graceNanos - (failedAt - delivered), TimeUnit.NANOSECONDS)
                        .execute(() -> {
                            recheckScheduled.set(false);
                            if (lastDelivered == delivered) {
                                kafkaAway(cause, System.nanoTime());
                            }
                        });
            }
            return;
        }
        if (outageSince.compareAndSet(0, failedAt)) {
            lastReminder.set(failedAt);
            LOG.warn("Waiting for Kafka at {}: {}. Records are held and retried; reading pauses while {} bytes "
                    + "are waiting", bootstrapServers, describe(cause), budget.bytesInFlight());
        } else {
            remindOfOutage(System.nanoTime());
        }
    }

    private void remindOfOutage(long now) {
        long since = outageSince.get();
        long last = lastReminder.get();
        if (since != 0 && now - last > REMINDER_NANOS && lastReminder.compareAndSet(last, now)) {
            LOG.warn("Still waiting for Kafka at {} ({} s); {} bytes of records held", bootstrapServers,
                    (now - since) / 1_000_000_000L, budget.bytesInFlight());
        }
    }

    private static String describe(Exception cause) {
        if (cause == null || cause.getMessage() == null) {
            return "send failed";
        }
        String message = cause.getMessage().strip();
        return message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
    }
}
