package tmdb.ingestion.checkpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of the files, in a compacted topic keyed by the deployment and the file's path under the data
 * folder, partitioned as the files topic is ({@link FilePartitions}): the checkpoints of a files partition are read
 * (committed records only) when this instance is given that partition, then written as its files progress. Kafka
 * keeps the latest checkpoint of each file, so any instance of the same deployment pointed at the same cluster and
 * topic resumes where the last one stopped. Deployments sharing the topic keep apart: each uses only its own
 * checkpoints (and those written before checkpoints named their deployment), and says when the topic holds others'.
 * A checkpoint read back is data from outside: one that is inconsistent, or whose key and value name different
 * files, is not used (and said so when its file is read).
 * <p>
 * Nothing here waits for Kafka without a bound, and nothing gives up for good: a load that gets no answer in time
 * throws, and its caller (the group, preparing a partition) tries again for as long as Kafka is away.
 */
public final class KafkaCheckpointStore implements CheckpointStore, PartitionCheckpoints {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaCheckpointStore.class);
    /** How long one attempt to read checkpoints waits for Kafka: the caller tries again after it. */
    public static final int ATTEMPT_SECONDS = 30;
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(ATTEMPT_SECONDS);
    /** Tombstones in flight at most: a first sweep after a long history must not hold them all at once. */
    private static final int TOMBSTONES_AT_ONCE = 1000;

    private final String topic;
    private final Supplier<Properties> clientConfig;
    /** At-least-once, how checkpoints and tombstones are written: in order, file by file. */
    private final OrderedSends sends;
    private final String runId;
    private final boolean transactional;
    private final Deployment deployment;
    private final FilePartitions filePartitions;
    /** The checkpoint topic's partitions, learnt by the first load (0 before). */
    private volatile int partitions;
    private final AtomicBoolean othersReported = new AtomicBoolean();
    /** The checkpoints of the files still being read. */
    private final Map<String, Checkpoint> unfinished = new ConcurrentHashMap<>();
    /**
     * The finished ones, compact, with when each was written (never later than when it was read back): one older than
     * the retention is tombstoned and forgotten.
     */
    private final Map<String, FinishedCheckpoint> finished = new ConcurrentHashMap<>();
    private volatile SourcePresence presence = SourcePresence.NONE;
    private final DoneRetention doneRetention;
    /** Files the topic has a checkpoint for that this deployment does not use, and why. */
    private final Map<String, String> notUsedByFile = new ConcurrentHashMap<>();
    /** Exactly-once: commits a checkpoint with the next transaction of its files partition. */
    private volatile BiFunction<Integer, Checkpoint, CompletableFuture<Void>> transactions;

    /**
     * @param transactional true in exactly-once mode, where checkpoints are written only inside the transactions
     *                      of their records (a checkpoint written outside could overtake a later one)
     */
    public KafkaCheckpointStore(String topic, Supplier<Properties> clientConfig, ProducerTemplate template,
                                String runId, boolean transactional, Deployment deployment,
                                FilePartitions filePartitions, DoneRetention doneRetention) {
        this.topic = topic;
        this.clientConfig = clientConfig;
        this.sends = new OrderedSends(template, "kafka:" + topic);
        this.runId = runId;
        this.transactional = transactional;
        this.deployment = deployment;
        this.filePartitions = filePartitions;
        this.doneRetention = doneRetention;
    }

    public String topic() {
        return topic;
    }

    @Override
    public Optional<Checkpoint> find(String file) {
        Checkpoint reading = unfinished.get(file);
        if (reading != null) {
            return Optional.of(reading);
        }
        return Optional.ofNullable(finished.get(file)).map(known -> known.checkpoint(file));
    }

    @Override
    public Optional<String> whyNotUsed(String file) {
        return Optional.ofNullable(notUsedByFile.get(file));
    }

    private String key(String file) {
        return CheckpointRecord.key(deployment, file);
    }

    /** The checkpoint topic's partition of a file: its files partition, modulo the checkpoint topic's partitions. */
    public int partitionOf(String file) {
        return filePartitions.of(file) % Math.max(1, partitions);
    }

    /** A checkpoint as the record a transaction writes. */
    public ProducerRecord<String, byte[]> message(Checkpoint checkpoint) {
        return new ProducerRecord<>(topic, partitionOf(checkpoint.file()), key(checkpoint.file()),
                CheckpointRecord.value(checkpoint, deployment, runId));
    }

    private Map<String, Object> headers(String file) {
        return Map.of(KafkaConstants.KEY, key(file), KafkaConstants.PARTITION_KEY, partitionOf(file));
    }

    /**
     * Exactly-once: how a checkpoint saved without records is committed, with the next transaction of its files
     * partition (by partition and checkpoint; the answer completes at the commit).
     */
    public void commitWith(BiFunction<Integer, Checkpoint, CompletableFuture<Void>> partitionTransactions) {
        transactions = partitionTransactions;
    }

    /**
     * Keeps the finished checkpoints of the sources it applies to past the retention while they are still there (see
     * {@link SourcePresence}): the sweep asks, and writes such a checkpoint again rather than tombstoning it.
     */
    public void keepWhilePresent(SourcePresence sourcePresence) {
        presence = sourcePresence;
    }

    /**
     * Records a file's progress; the answer completes once Kafka acknowledged it. In exactly-once mode it goes into
     * the next transaction of its files partition (one written outside could overtake a later one), whose commit
     * completes the answer.
     */
    @Override
    public CompletableFuture<Void> save(Checkpoint checkpoint) {
        if (checkpoint.done()) {
            finished.put(checkpoint.file(), FinishedCheckpoint.of(checkpoint, System.currentTimeMillis()));
            unfinished.remove(checkpoint.file());
        } else {
            unfinished.put(checkpoint.file(), checkpoint);
            finished.remove(checkpoint.file());
        }
        if (transactional) {
            BiFunction<Integer, Checkpoint, CompletableFuture<Void>> committer = transactions;
            return committer == null ? CompletableFuture.completedFuture(null)
                    : committer.apply(filePartitions.of(checkpoint.file()), checkpoint);
        }
        return sends.send(checkpoint.file(), headers(checkpoint.file()),
                CheckpointRecord.value(checkpoint, deployment, runId)).thenAccept(answer -> {
            if (answer.getException() != null) {
                throw new CompletionException(answer.getException());
            }
        });
    }

    /**
     * Another run of this deployment that committed a checkpoint since this time (epoch milliseconds, as record
     * timestamps count), if any. Asked after this
     * instance took its transactional id again, it tells a run that took the id over while this one was cut off
     * from Kafka (whose records are on Kafka already) from the coordinator's abort of a transaction the outage
     * outlived. Only the checkpoints of the files of the given files partition count: other instances of the
     * group commit those of theirs all the time. Empty as well when the topic cannot be read within the timeout:
     * the instance then goes on, as before this check existed.
     */
    public Optional<String> otherRunSince(long sinceMillis, int filesPartition) {
        long deadline = System.nanoTime() + ATTEMPT_TIMEOUT.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(readCommittedConfig())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic,
                    filesPartition % Math.max(1, this.partitions)));
            consumer.assign(partitions);
            Map<TopicPartition, Long> since = new LinkedHashMap<>();
            partitions.forEach(partition -> since.put(partition, sinceMillis));
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, ATTEMPT_TIMEOUT);
            consumer.offsetsForTimes(since, ATTEMPT_TIMEOUT).forEach((partition, found) ->
                    consumer.seek(partition, found == null ? ends.get(partition) : found.offset()));
            while (!caughtUp(consumer, ends) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (!ofFilesPartition(record.key(), Set.of(filesPartition))) {
                        continue;
                    }
                    Optional<String> other = CheckpointLog.runOf(record.value(), deployment)
                            .filter(run -> !run.equals(runId));
                    if (other.isPresent()) {
                        return other;
                    }
                }
            }
        } catch (KafkaException e) {
            LOG.warn("Could not read {} to see whether another instance took over: {}", topic, e.getMessage());
        }
        return Optional.empty();
    }

    private Properties readCommittedConfig() {
        Properties config = clientConfig.get();
        config.putAll(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
        return config;
    }

    /**
     * Reads the checkpoints of the files of these files partitions, now given to this instance: committed records
     * only, so in exactly-once mode this comes after the partitions' transactional ids were taken (which aborts a
     * previous owner's open transaction). One attempt: it throws when Kafka does not answer within
     * {@value #ATTEMPT_SECONDS} s, and the caller tries again.
     */
    @Override
    public void load(Set<Integer> filesPartitions) {
        Properties config = readCommittedConfig();
        long deadline = System.nanoTime() + ATTEMPT_TIMEOUT.toNanos();
        CheckpointLog log = new CheckpointLog(deployment);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            if (partitions == 0) {
                partitions = consumer.partitionsFor(topic, ATTEMPT_TIMEOUT).size();
            }
            List<TopicPartition> read = filesPartitions.stream().map(partition -> partition % partitions).distinct()
                    .map(partition -> new TopicPartition(topic, partition)).toList();
            consumer.assign(read);
            consumer.seekToBeginning(read);
            Map<TopicPartition, Long> ends = consumer.endOffsets(read, ATTEMPT_TIMEOUT);
            while (!caughtUp(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("the checkpoints in topic " + topic
                            + " were not read within " + ATTEMPT_SECONDS + " s");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (ofFilesPartition(record.key(), filesPartitions)) {
                        log.add(record.key(), record.value());
                    }
                }
            }
        }
        forget(filesPartitions);
        Instant now = Instant.now();
        Map<String, FinishedCheckpoint> expired = new LinkedHashMap<>();
        log.usable().forEach((file, checkpoint) -> {
            if (!checkpoint.done()) {
                unfinished.put(file, checkpoint);
                return;
            }
            // a time in the future is not believed: the retention then counts from now
            long writtenAt = log.writtenAt(file).map(time -> time.isBefore(now) ? time : now)
                    .map(Instant::toEpochMilli).orElse(FinishedCheckpoint.NEVER_EXPIRES);
            FinishedCheckpoint known = FinishedCheckpoint.of(checkpoint, writtenAt);
            finished.put(file, known);
            if (known.expired(doneRetention, now)) {
                expired.put(file, known);
            }
        });
        notUsedByFile.putAll(log.notUsedByFile());
        long stillReading = log.usable().values().stream().filter(checkpoint -> !checkpoint.done()).count();
        // whether an object is still in its bucket is asked by the sweep, not while the partitions wait for this
        expired.keySet().removeIf(presence::applies);
        LOG.info("Checkpoints of files partitions {}: {} files known in {} for this deployment ({}, id {}), {} of them "
                + "unfinished", new TreeSet<>(filesPartitions), log.usable().size() - expired.size(), topic,
                deployment.description(), deployment.id(), stillReading);
        tombstone(expired);
        if (!log.others().isEmpty() && othersReported.compareAndSet(false, true)) {
            log.others().forEach((id, described) -> LOG.warn("{} also holds the checkpoints of {} files of another "
                    + "deployment ({}, id {}): they are not used here. If that is this deployment under another data "
                    + "folder path, set ingestion.deployment-id={} to resume its files; otherwise give each "
                    + "deployment its own ingestion.checkpoint.topic", topic, described.files(),
                    described.description(), id, id));
        }
    }

    /**
     * Tombstones the finished checkpoints known here that are older than {@code ingestion.checkpoint.done-retention}
     * and forgets them: a file dropped again under such a name is ingested again. Run hourly, and for the checkpoints
     * of a files partition when it is assigned.
     */
    public void expireDone() {
        Instant now = Instant.now();
        Map<String, FinishedCheckpoint> expired = new LinkedHashMap<>();
        finished.forEach((file, known) -> {
            if (known.expired(doneRetention, now)) {
                expired.put(file, known);
            }
        });
        SourcePresence asked = presence;
        int kept = 0;
        for (Map.Entry<String, FinishedCheckpoint> checkpoint : List.copyOf(expired.entrySet())) {
            if (asked.applies(checkpoint.getKey()) && asked.stillThere(checkpoint.getValue()
                    .checkpoint(checkpoint.getKey()))) {
                expired.remove(checkpoint.getKey());
                if (finished.get(checkpoint.getKey()) == checkpoint.getValue()) {
                    save(checkpoint.getValue().checkpoint(checkpoint.getKey()));
                    kept++;
                }
            }
        }
        if (kept > 0) {
            LOG.info("Kept {} finished checkpoints older than {} (ingestion.checkpoint.done-retention), written again "
                    + "in {}: their objects are still in the bucket, and would be read again without them", kept,
                    doneRetention.retention(), topic);
        }
        tombstone(expired);
    }

    /**
     * Writes the tombstones of these finished checkpoints, {@value #TOMBSTONES_AT_ONCE} at a time, and waits for them
     * (a checkpoint written for the same file afterwards must come after its tombstone), then forgets those still
     * unchanged here. One that could not be written is kept, and tried again at the next sweep.
     */
    private void tombstone(Map<String, FinishedCheckpoint> expired) {
        int forgotten = 0;
        List<Map.Entry<String, FinishedCheckpoint>> all = List.copyOf(expired.entrySet());
        for (int from = 0; from < all.size(); from += TOMBSTONES_AT_ONCE) {
            List<Map.Entry<String, FinishedCheckpoint>> batch = all.subList(from,
                    Math.min(all.size(), from + TOMBSTONES_AT_ONCE));
            List<CompletableFuture<Exchange>> sent = new ArrayList<>();
            for (Map.Entry<String, FinishedCheckpoint> checkpoint : batch) {
                sent.add(sends.send(checkpoint.getKey(), headers(checkpoint.getKey()), null));
            }
            for (int i = 0; i < batch.size(); i++) {
                String file = batch.get(i).getKey();
                try {
                    Exchange answer = sent.get(i).get(ATTEMPT_SECONDS, TimeUnit.SECONDS);
                    if (answer.getException() != null) {
                        throw new ExecutionException(answer.getException());
                    }
                    if (finished.remove(file, batch.get(i).getValue())) {
                        forgotten++;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    LOG.warn("Could not tombstone the finished checkpoint of {} in {}: {}. It is kept, and tried again "
                            + "at the next sweep", file, topic, e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        if (forgotten > 0) {
            LOG.info("Forgot {} finished checkpoints older than {} (ingestion.checkpoint.done-retention), tombstoned "
                    + "in {}: files dropped again under their names are ingested again", forgotten,
                    doneRetention.retention(), topic);
        }
    }

    @Override
    public void forget(Set<Integer> filesPartitions) {
        unfinished.keySet().removeIf(file -> filesPartitions.contains(filePartitions.of(file)));
        finished.keySet().removeIf(file -> filesPartitions.contains(filePartitions.of(file)));
        notUsedByFile.keySet().removeIf(file -> filesPartitions.contains(filePartitions.of(file)));
    }

    /** True when the record's key names a file of one of these files partitions (any deployment's). */
    private boolean ofFilesPartition(String key, Set<Integer> filesPartitions) {
        return filesPartitions.contains(filePartitions.of(key == null ? "" : CheckpointRecord.fileOf(key)));
    }

    private static boolean caughtUp(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }
}
