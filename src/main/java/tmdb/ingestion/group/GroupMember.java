package tmdb.ingestion.group;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
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
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.checkpoint.CheckpointStore;
import tmdb.ingestion.checkpoint.FilePartitions;
import tmdb.ingestion.file.FileTracker;

/**
 * This instance in its consumer group on the files topic (Kafka's group protocol: the work is a partition, and the
 * group hands each partition to one member). A single instance is a group of one. For each partition it is given,
 * it takes the partition's work ({@link PartitionWork}: in exactly-once mode the partition's transactional id),
 * reads the partition's checkpoints, and reads the partition's announcements from its start: every file announced
 * there is claimed by the {@link FileTracker}, which resumes unfinished ones after their last resolved line. The owner
 * of partition 0 also runs the folder routes, which list the folders and announce new files. For each partition that
 * goes to another member it hands the files over: revoked (a member joins, or this one stops), the records already
 * read are resolved and their checkpoints saved first; lost (this instance was cut off for longer than its session),
 * they are let go as they are.
 * <p>
 * The consumer commits no offsets: the files topic is compacted, keyed by file, and a partition's announcements are
 * read again from its start by each new owner; a file already done is no longer in its folder and is dropped.
 */
public final class GroupMember extends ServiceSupport implements ConsumerRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(GroupMember.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A poll returns as soon as an announcement arrives; this bounds it when none does (an idle instance). */
    private static final Duration POLL = Duration.ofSeconds(5);
    private static final int IDLE_FETCH_WAIT_MS = 1000;

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
    private final FileTracker files;
    private final CheckpointStore checkpoints;
    private final FilePartitions partitions;
    private final PartitionWork work;
    private final CamelContext context;
    private final Collection<String> folderRoutes;
    private final SortedSet<Integer> owned = new ConcurrentSkipListSet<>();
    /** Owned partitions whose announcements are not all read yet, with the offset reading must reach. */
    private final Map<TopicPartition, Long> catchingUp = new ConcurrentHashMap<>();
    private final CountDownLatch left = new CountDownLatch(1);
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean leaving;
    private volatile Runnable onExpelled = () -> { };
    private Thread thread;

    public GroupMember(Options options, Supplier<Properties> clientConfig, FileTracker files,
                       CheckpointStore checkpoints, FilePartitions partitions, PartitionWork work, CamelContext context,
                       Collection<String> folderRoutes) {
        this.options = options;
        this.clientConfig = clientConfig;
        this.files = files;
        this.checkpoints = checkpoints;
        this.partitions = partitions;
        this.work = work;
        this.context = context;
        this.folderRoutes = List.copyOf(folderRoutes);
    }

    /** What to do when another process took this instance's id in the group (the application stops). */
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
     * given them: a once run is complete only then (a group of one that lost its partitions and has them again must
     * read their announcements before nothing is left to do).
     */
    public boolean ownsAllAndReadTheirAnnouncements() {
        return owned.size() == partitions.count() && catchingUp.isEmpty();
    }

    /** True while this instance owns files partition 0, and so lists the folders. */
    public boolean discovering() {
        return owned.contains(0);
    }

    @Override
    protected void doStart() {
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
        // the broker answers a fetch as soon as an announcement arrives; an idle instance asks once a second (closing
        // the consumer waits for the fetch in flight)
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, IDLE_FETCH_WAIT_MS);
        consumer = new KafkaConsumer<>(config);
        int count = consumer.partitionsFor(options.topic(), Duration.ofSeconds(30)).size();
        partitions.count(count);
        consumer.subscribe(List.of(options.topic()), this);
        LOG.info("Joining group {} as instance {}: files topic {} has {} partitions (at most {} instances share the "
                + "work)", options.groupId(), options.instanceId(), options.topic(), count, count);
        thread = new Thread(this::run, "Files group");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (!leaving) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    announced(record);
                }
                try {
                    catchingUp.entrySet().removeIf(end -> consumer.position(end.getKey()) >= end.getValue());
                } catch (TimeoutException e) {
                    LOG.debug("Positions in the files topic unknown while Kafka does not answer: {}", e.getMessage());
                }
            }
        } catch (WakeupException e) {
            if (!leaving) {
                LOG.warn("The group's consumer was woken up unexpectedly");
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
            try {
                consumer.close(CloseOptions.groupMembershipOperation(
                        CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(30)));
            } catch (KafkaException e) {
                LOG.warn("Leaving group {}: {}", options.groupId(), e.getMessage());
            }
            left.countDown();
        }
    }

    /**
     * An announcement in an owned partition: its file is claimed. A tombstone, an unreadable value and another
     * deployment's announcement are skipped.
     */
    private void announced(ConsumerRecord<String, byte[]> record) {
        String ours = options.deploymentId() + "|";
        if (record.value() == null || record.key() == null || !record.key().startsWith(ours)) {
            return;
        }
        try {
            JsonNode announcement = JSON.readTree(record.value());
            files.claim(record.key().substring(ours.length()), announcement.path("type").asText(),
                    announcement.path("label").asText(), record.partition());
        } catch (IOException e) {
            LOG.warn("Skipped an announcement in {}-{} at offset {} that is not JSON: {}", record.topic(),
                    record.partition(), record.offset(), e.getMessage());
        }
    }

    /**
     * Leaves the group: the files of every owned partition are handed over (this is called after they were let go
     * at the stop, with their checkpoints saved) and the partitions' work ends, within the given time.
     */
    public void leave(Duration timeout) {
        leaving = true;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            if (!left.await(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
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
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
        Set<Integer> taken = numbers(assigned);
        if (taken.isEmpty()) {
            return;
        }
        work.take(taken);
        checkpoints.load(taken);
        consumer.seekToBeginning(assigned);
        Map<TopicPartition, Long> starts = consumer.beginningOffsets(assigned);
        consumer.endOffsets(assigned).forEach((partition, end) -> {
            if (end > starts.getOrDefault(partition, 0L)) {
                catchingUp.put(partition, end);
            }
        });
        // owned only now: a once run must not find every partition owned with its announcements still unread
        owned.addAll(taken);
        LOG.info("Instance {} owns files partitions {} of {} now (taken: {})", options.instanceId(), owned,
                partitions.count(), taken);
        if (taken.contains(0)) {
            discover(true);
        }
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
        owned.removeAll(leavingPartitions);
        catchingUp.keySet().removeIf(partition -> leavingPartitions.contains(partition.partition()));
        if (leavingPartitions.contains(0)) {
            discover(false);
        }
        files.release(leavingPartitions, lost, Duration.ofMillis(options.handOverMs()));
        work.hand(leavingPartitions);
        LOG.info("Instance {} {} files partitions {}; it owns {} now", options.instanceId(),
                lost ? "lost" : "handed over", leavingPartitions, owned);
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
