package tmdb.ingestion.group;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.checkpoint.FilePartitions;
import tmdb.ingestion.checkpoint.PartitionCheckpoints;
import tmdb.ingestion.file.Claim;
import tmdb.ingestion.file.FileLifecycle;

/**
 * This instance in its consumer group on the files topic (Kafka's group protocol: the work is a partition, and the
 * group hands each partition to one member). A single instance is a group of one. A partition given to it is first
 * prepared, off the group's thread and for as long as Kafka makes it wait: its work taken ({@link PartitionWork}: in
 * exactly-once mode the partition's transactional id), its checkpoints read. Only then are its announcements read,
 * from the partition's start: every file announced there is claimed by the {@link FileLifecycle}, which resumes
 * unfinished ones after their last resolved line. The owner of partition 0 also runs the folder routes, which list
 * the folders and announce new files. For each partition that goes to another member the files are let go: revoked
 * (a member joins, or this one stops), the records already read are resolved and their checkpoints saved first; lost
 * (this instance was cut off for longer than its session), the partition's work ends first, committing nothing more,
 * and they are let go as they are.
 * <p>
 * The rebalance callbacks only pause, record and hand over; nothing on the group's thread waits for Kafka without a
 * bound, and Kafka being away at any moment (the start, an assignment, a position lookup) is waited out, said in the
 * log once a minute and in readiness, never a reason to stop. The consumer commits no offsets: the files topic is
 * compacted, keyed by file, and a partition's announcements are read again from its start by each new owner.
 */
public final class GroupMember extends ServiceSupport implements ConsumerRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(GroupMember.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A poll returns as soon as an announcement arrives; this bounds it when none does (an idle instance). */
    private static final Duration POLL = Duration.ofSeconds(5);
    /**
     * While partitions are being prepared, the group's thread looks for the prepared ones this often (the preparing
     * thread also wakes it up when it is done).
     */
    private static final Duration PREPARING_POLL = Duration.ofMillis(100);
    private static final int IDLE_FETCH_WAIT_MS = 200;
    /** How long one look-up waits for Kafka before it is tried again (the instance never gives up). */
    private static final Duration LOOKUP = Duration.ofSeconds(10);
    private static final long EMPTY_METADATA_PAUSE_MS = 200;

    /**
     * The group's settings.
     *
     * @param topic            the files topic ({@code ingestion.group.files-topic})
     * @param groupId          the consumer group ({@code ingestion.group.id})
     * @param instanceId       this instance, unique in the group ({@code ingestion.instance-id}): its static member
     *                         id, so a restarted instance takes its place at once
     * @param sessionTimeoutMs how long the group waits for an instance that stopped answering before its partitions
     *                         go to the others ({@code ingestion.group.session-timeout-ms})
     * @param handOverMs       how long a revoked partition's records get to be acknowledged before it is handed over
     * @param deploymentId     the deployment whose announcements this group reads (others may share the topic)
     */
    public record Options(String topic, String groupId, String instanceId, int sessionTimeoutMs, long handOverMs,
                          String deploymentId) {
    }

    private final Options options;
    private final Supplier<Properties> clientConfig;
    private final FileLifecycle files;
    private final Function<Properties, Consumer<String, byte[]>> consumers;
    private final FilePartitions partitions;
    private final CamelContext context;
    private final Collection<String> folderRoutes;
    private final KafkaWaits waits;
    private final FilesHandOver filesHandOver;
    private final PartitionPreparation preparation;
    private final SortedSet<Integer> owned = new ConcurrentSkipListSet<>();
    /** Owned partitions whose announcements are not all read yet, with the offset reading must reach. */
    private final Map<TopicPartition, Long> catchingUp = new ConcurrentHashMap<>();
    /** Owned partitions whose end offset (what catching up must reach) is not known yet. */
    private final Set<TopicPartition> endUnknown = ConcurrentHashMap.newKeySet();
    private final CountDownLatch left = new CountDownLatch(1);
    private volatile Consumer<String, byte[]> consumer;
    private volatile boolean leaving;
    /** The application stops: partitions given to this instance from now on are not taken (they wait for its leave). */
    private volatile boolean stopping;
    private volatile Runnable onExpelled = () -> { };

    /**
     * @param clientConfig the Kafka client settings the group's consumer starts from
     * @param consumers    makes the group's consumer from its settings ({@code KafkaConsumer::new})
     */
    public GroupMember(Options options, Supplier<Properties> clientConfig,
                       Function<Properties, Consumer<String, byte[]>> consumers, FileLifecycle files,
                       PartitionCheckpoints checkpoints, FilePartitions partitions, PartitionWork work,
                       CamelContext context, Collection<String> folderRoutes, KafkaWaits waits) {
        this.options = options;
        this.clientConfig = clientConfig;
        this.consumers = consumers;
        this.files = files;
        this.partitions = partitions;
        this.context = context;
        this.folderRoutes = List.copyOf(folderRoutes);
        this.waits = waits;
        Duration drain = Duration.ofMillis(options.handOverMs());
        this.filesHandOver = new FilesHandOver(files::release, work, drain, FilesHandOver.patienceFor(drain));
        this.preparation = new PartitionPreparation(work, checkpoints, filesHandOver, waits, options.handOverMs(),
                () -> !leaving && !stopping, this::refused, this::wakeUp);
    }

    /** What to do when this instance cannot go on (another process took its id, Kafka refused its user). */
    public void onExpelled(Runnable action) {
        onExpelled = action;
    }

    public String instanceId() {
        return options.instanceId();
    }

    public String groupId() {
        return options.groupId();
    }

    /** The files partitions this instance owns now. */
    public SortedSet<Integer> ownedPartitions() {
        return new TreeSet<>(owned);
    }

    /**
     * True when this instance owns every files partition and has read every announcement made in them until it was
     * given them: a once run is complete only then.
     */
    public boolean ownsAllAndReadTheirAnnouncements() {
        return owned.size() == partitions.count() && catchingUp.isEmpty() && endUnknown.isEmpty();
    }

    /** True while this instance owns files partition 0, and so lists the folders. */
    public boolean discovering() {
        return owned.contains(0);
    }

    @Override
    protected void doStart() {
        Thread thread = new Thread(this::run, "Files group");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            consumer = consumers.apply(consumerConfig());
            int count = partitionCount();
            if (count == 0) {
                LOG.info("Left group {} before joining it", options.groupId());
                return;
            }
            partitions.count(count);
            consumer.subscribe(List.of(options.topic()), this);
            LOG.info("Joining group {} as instance {}: files topic {} has {} partitions (at most {} instances share "
                    + "the work)", options.groupId(), options.instanceId(), options.topic(), count, count);
            while (!leaving) {
                try {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(preparation.anyUnderWay() && !stopping
                            ? PREPARING_POLL : POLL)) {
                        announced(record);
                    }
                } catch (WakeupException woken) {
                    // partitions were prepared (they start now, not after another poll), or this instance leaves
                    if (leaving) {
                        continue;
                    }
                }
                try {
                    startReadingPrepared();
                    followCatchingUp();
                } catch (WakeupException woken) {
                    // partitions were prepared meanwhile (the next poll, of at most PREPARING_POLL, starts them), or
                    // this instance leaves
                }
            }
        } catch (FencedInstanceIdException e) {
            LOG.error("Another process joined group {} as instance {} (ingestion.instance-id): this one stops. Give "
                    + "each instance its own id", options.groupId(), options.instanceId());
            onExpelled.run();
        } catch (KafkaException | IllegalStateException e) {
            LOG.error("The group's consumer failed: {}. This instance stops; its partitions go to the others",
                    e.toString());
            onExpelled.run();
        } finally {
            closeConsumer();
        }
    }

    private Properties consumerConfig() {
        Properties config = clientConfig.get();
        config.putAll(Map.of(ConsumerConfig.GROUP_ID_CONFIG, options.groupId(),
                ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, options.instanceId(),
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, options.sessionTimeoutMs(),
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(500, options.sessionTimeoutMs() / 5),
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
        // the broker answers a fetch as soon as an announcement arrives; an idle instance asks five times a second,
        // because closing the consumer, at every stop, waits for the fetch in flight
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, IDLE_FETCH_WAIT_MS);
        return config;
    }

    /** The files topic's partition count, waited for while Kafka does not answer; 0 when leaving first. */
    private int partitionCount() {
        String what = "joining group " + options.groupId();
        Reminder reminder = new Reminder();
        while (!leaving) {
            try {
                int count = consumer.partitionsFor(options.topic(), LOOKUP).size();
                if (count > 0) {
                    waits.done(what);
                    return count;
                }
                // a topic created a moment ago can show no partitions in the metadata yet: joining a group on it
                // would join it with nothing to take
                waits.waiting(what, "the files topic " + options.topic() + " has no partitions in the cluster's "
                        + "metadata yet");
                if (reminder.due()) {
                    LOG.warn("Waiting to join group {}: the files topic {} shows no partitions yet. This instance "
                            + "stays up and asks again", options.groupId(), options.topic());
                }
                Thread.sleep(EMPTY_METADATA_PAUSE_MS);
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
                return 0;
            } catch (WakeupException leavingNow) {
                return 0;
            } catch (TimeoutException e) {
                waits.waiting(what, "the files topic " + options.topic() + " could not be looked up: "
                        + e.getMessage());
                if (reminder.due()) {
                    LOG.warn("Waiting for Kafka to join group {}: the files topic {} could not be looked up ({}). "
                            + "This instance stays up and tries again", options.groupId(), options.topic(),
                            e.getMessage());
                }
            }
        }
        return 0;
    }

    /**
     * An announcement in an owned partition: its file is claimed; a tombstone: the lifecycle checks that it does not
     * end the announcement of a file it holds. An unreadable value and another deployment's announcement are skipped.
     */
    private void announced(ConsumerRecord<String, byte[]> record) {
        String ours = options.deploymentId() + "|";
        if (record.key() == null || !record.key().startsWith(ours)) {
            return;
        }
        if (record.value() == null) {
            files.tombstoned(record.key().substring(ours.length()), record.partition());
            return;
        }
        try {
            JsonNode announcement = JSON.readTree(record.value());
            files.claim(new Claim(record.key().substring(ours.length()), announcement.path("type").asText(),
                    announcement.path("label").asText(), record.partition(), record.offset(),
                    announcement.path("size").canConvertToLong() ? announcement.path("size").asLong(-1) : -1,
                    announcement.path("etag").isTextual() ? announcement.path("etag").asText() : null));
        } catch (IOException e) {
            LOG.warn("Skipped an announcement in {}-{} at offset {} that is not JSON: {}", record.topic(),
                    record.partition(), record.offset(), e.getMessage());
        }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
        Set<Integer> taken = numbers(assigned);
        if (taken.isEmpty()) {
            return;
        }
        consumer.pause(assigned);
        if (stopping) {
            LOG.info("Files partitions {} are given to instance {} while it stops: it does not take them, they go to "
                    + "the others when it leaves", taken, options.instanceId());
            return;
        }
        preparation.given(taken);
    }

    /** Kafka refused this instance's user while taking partitions: it takes no more, and stops. */
    private void refused() {
        stopping = true;
        onExpelled.run();
    }

    /** A preparation ended: the group's thread starts reading the prepared partitions at once, not after its poll. */
    private void wakeUp() {
        Consumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    /** The prepared partitions: owned now, their announcements read from their start. */
    private void startReadingPrepared() {
        if (stopping || leaving) {
            return;
        }
        Set<Integer> prepared = preparation.takePrepared();
        Set<Integer> stillAssigned = numbers(consumer.assignment());
        Set<Integer> gone = new TreeSet<>(prepared);
        gone.removeAll(stillAssigned);
        if (!gone.isEmpty()) {
            preparation.handBackUnread(gone);
            prepared.removeAll(gone);
        }
        if (prepared.isEmpty()) {
            return;
        }
        List<TopicPartition> topicPartitions = prepared.stream()
                .map(partition -> new TopicPartition(options.topic(), partition)).toList();
        files.assigned(prepared);
        consumer.seekToBeginning(topicPartitions);
        consumer.resume(topicPartitions);
        endUnknown.addAll(topicPartitions);
        // owned only now: a once run must not find every partition owned with its announcements still unread
        owned.addAll(prepared);
        LOG.info("Instance {} owns files partitions {} of {} now (taken: {})", options.instanceId(), owned,
                partitions.count(), prepared);
        if (prepared.contains(0)) {
            discover(true);
        }
    }

    /** Learns where each new partition's announcements end, and which partitions have been read that far. */
    private void followCatchingUp() {
        try {
            if (!endUnknown.isEmpty()) {
                Set<TopicPartition> asked = new HashSet<>(endUnknown);
                Map<TopicPartition, Long> starts = consumer.beginningOffsets(asked, LOOKUP);
                consumer.endOffsets(asked, LOOKUP).forEach((partition, end) -> {
                    if (end > starts.getOrDefault(partition, 0L)) {
                        catchingUp.put(partition, end);
                    }
                    endUnknown.remove(partition);
                });
            }
            catchingUp.entrySet().removeIf(end -> consumer.position(end.getKey(), LOOKUP) >= end.getValue());
        } catch (TimeoutException e) {
            LOG.debug("Positions in the files topic unknown while Kafka does not answer: {}", e.getMessage());
        }
    }

    /**
     * The application stops (or must, having been fenced or refused): from now on no partition is taken, so that no
     * transactional id is taken from an instance that goes on and no checkpoint is read for a file this instance will
     * not read. Those prepared or given meanwhile go to the others when it leaves.
     */
    public void stopTaking() {
        stopping = true;
    }

    /**
     * Leaves the group: the files of every owned partition are handed over (this is called after they were let go
     * at the stop, with their checkpoints saved) and the partitions' work ends, within the given time.
     */
    public void leave(Duration timeout) {
        leaving = true;
        Consumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            if (consumer != null && !left.await(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
                LOG.warn("Did not leave group {} within {} ms: the others take this instance's partitions when its "
                        + "session ends ({} ms)", options.groupId(), timeout.toMillis(), options.sessionTimeoutMs());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    protected void doStop() {
        // the application's stop left the group already, within its grace period: this only makes sure
        leave(Duration.ZERO);
        preparation.stop();
    }

    private void closeConsumer() {
        try {
            if (consumer != null) {
                consumer.close(CloseOptions.groupMembershipOperation(
                        CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(30)));
            }
        } catch (KafkaException e) {
            LOG.warn("Leaving group {}: {}", options.groupId(), e.getMessage());
        }
        left.countDown();
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        handOver(numbers(revoked), false);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
        handOver(numbers(lost), true);
    }

    private void handOver(Set<Integer> leavingPartitions, boolean lost) {
        if (leavingPartitions.isEmpty()) {
            return;
        }
        Set<Integer> ownedLeaving = new TreeSet<>();
        for (int partition : leavingPartitions) {
            if (owned.remove(partition)) {
                ownedLeaving.add(partition);
            } else {
                preparation.takenAway(partition);
            }
        }
        catchingUp.keySet().removeIf(partition -> leavingPartitions.contains(partition.partition()));
        endUnknown.removeIf(partition -> leavingPartitions.contains(partition.partition()));
        if (ownedLeaving.isEmpty()) {
            return;
        }
        if (ownedLeaving.contains(0) && !leaving) {
            // at the application's stop, Camel stops the folder routes with the others
            discover(false);
        }
        if (lost) {
            filesHandOver.lost(ownedLeaving);
        } else {
            filesHandOver.revoked(ownedLeaving);
        }
        LOG.info("Instance {} {} files partitions {}; it owns {} now", options.instanceId(),
                lost ? "lost" : "handed over", ownedLeaving, owned);
    }

    /** Starts or stops the folder routes: the owner of files partition 0 lists the folders. */
    private void discover(boolean on) {
        for (String route : folderRoutes) {
            try {
                if (on) {
                    context.getRouteController().startRoute(route);
                } else {
                    context.getRouteController().stopRoute(route, 5, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                LOG.warn("Could not {} folder route {}: {}", on ? "start" : "stop", route, e.getMessage());
            }
        }
        LOG.info(on ? "Listing the folders: this instance owns files partition 0"
                : "No longer listing the folders: files partition 0 goes to another instance");
    }

    private static Set<Integer> numbers(Collection<TopicPartition> topicPartitions) {
        Set<Integer> numbers = new TreeSet<>();
        topicPartitions.forEach(partition -> numbers.add(partition.partition()));
        return numbers;
    }
}
