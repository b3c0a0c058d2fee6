package tmdb.ingestion.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads topics back from the beginning with a plain consumer, as the platform's consumers do (read_committed). */
public final class TopicReader {

    private TopicReader() {
    }

    private record Reading(List<ConsumerRecord<String, byte[]>> records, long expectedReachedAt) {
    }

    /**
     * Reads until {@code expected} records arrived (or the timeout), then on to the end offsets of that moment, so
     * that any extra (duplicate) records already written are read too; returns everything read.
     */
    public static List<ConsumerRecord<String, byte[]>> read(String bootstrap, Collection<String> topics, int expected,
                                                           Duration timeout) {
        return read(bootstrap, topics, expected, timeout, Map.of());
    }

    /** The same, with more consumer settings (security, for example). */
    public static List<ConsumerRecord<String, byte[]>> read(String bootstrap, Collection<String> topics, int expected,
                                                           Duration timeout, Map<String, Object> settings) {
        return poll(bootstrap, topics, expected, timeout, true, settings).records();
    }

    /**
     * Every record on the topics now, as a {@code read_committed} consumer sees them: reads to the end offsets (of
     * committed records) and stops there, without waiting for more. Topics that do not exist yet have no records.
     */
    public static List<ConsumerRecord<String, byte[]>> readToEnd(String bootstrap, Collection<String> topics) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap, Map.of())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(10))
                        .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topics + " to their end offsets " + ends + " in 60 s");
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    /** Polls until {@code expected} records are readable; returns {@link System#nanoTime()} at that moment. */
    public static long awaitCount(String bootstrap, String topic, int expected, Duration timeout) {
        Reading reading = poll(bootstrap, List.of(topic), expected, timeout, false, Map.of());
        if (reading.records().size() < expected) {
            throw new AssertionError("only " + reading.records().size() + " of " + expected + " records arrived on "
                    + topic + " within " + timeout);
        }
        return reading.expectedReachedAt();
    }

    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap, Map<String, Object> settings) {
        Properties config = new Properties();
        config.putAll(settings);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 32 << 20);
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 << 20);
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static Reading poll(String bootstrap, Collection<String> topics, int expected, Duration timeout,
                                boolean thenToEnd, Map<String, Object> settings) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        long reachedAt = -1;
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap, settings)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<TopicPartition> partitions = partitionsOnceCreated(consumer, topics, deadline);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (System.nanoTime() < deadline && records.size() < expected) {
                consumer.poll(Duration.ofMillis(50)).forEach(records::add);
            }
            if (records.size() >= expected) {
                reachedAt = System.nanoTime();
            }
            if (thenToEnd) {
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
                long endDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
                    if (System.nanoTime() > endDeadline) {
                        throw new AssertionError("could not read " + topics + " to their end offsets " + ends);
                    }
                    consumer.poll(Duration.ofMillis(50)).forEach(records::add);
                }
            }
        }
        return new Reading(records, reachedAt);
    }

    /** The topics' partitions, waiting (until the deadline) for topics the producer has not created yet. */
    private static List<TopicPartition> partitionsOnceCreated(KafkaConsumer<?, ?> consumer, Collection<String> topics,
                                                             long deadline) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            while (infos.isEmpty() && System.nanoTime() < deadline) {
                sleep();
                infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            }
            infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        return partitions;
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
