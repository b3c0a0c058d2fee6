package tmdb.ingestion.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/** Run-wide counters, safe to update from any thread. */
public final class IngestionStats {

    private final Instant started = Instant.now();
    private final ConcurrentMap<String, LongAdder> readByStream = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder> publishedByStream = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder> publishedByTopic = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder> deadLetteredByReason = new ConcurrentHashMap<>();
    private final LongAdder published = new LongAdder();
    private final LongAdder publishedBytes = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder filesDone = new LongAdder();
    private final LongAdder filesFailed = new LongAdder();

    public void recordRead(String type, String label) {
        counter(readByStream, stream(type, label)).increment();
    }

    public void recordPublished(String type, String label, String topic, long bytes) {
        counter(publishedByStream, stream(type, label)).increment();
        counter(publishedByTopic, topic).increment();
        published.increment();
        publishedBytes.add(bytes);
    }

    public void recordDeadLettered(String reason) {
        counter(deadLetteredByReason, reason).increment();
        deadLettered.increment();
    }

    public void recordFailed() {
        failed.increment();
    }

    public void linesSkipped(long count) {
        skipped.add(count);
    }

    public void fileDone() {
        filesDone.increment();
    }

    public void fileFailed() {
        filesFailed.increment();
    }

    public Instant started() {
        return started;
    }

    public Duration elapsed() {
        return Duration.between(started, Instant.now());
    }

    /** Lines read from files: records admitted into the pipeline plus blank lines skipped. */
    public long linesRead() {
        long records = 0;
        for (LongAdder counter : readByStream.values()) {
            records += counter.sum();
        }
        return records + skipped.sum();
    }

    public long published() {
        return published.sum();
    }

    public long publishedBytes() {
        return publishedBytes.sum();
    }

    public long deadLettered() {
        return deadLettered.sum();
    }

    public long failed() {
        return failed.sum();
    }

    public long skipped() {
        return skipped.sum();
    }

    public long filesDone() {
        return filesDone.sum();
    }

    public long filesFailed() {
        return filesFailed.sum();
    }

    /** Records read, by {@code type/label}. */
    public SortedMap<String, Long> readByStream() {
        return snapshot(readByStream);
    }

    /** Records published, by {@code type/label}. */
    public SortedMap<String, Long> publishedByStream() {
        return snapshot(publishedByStream);
    }

    public SortedMap<String, Long> publishedByTopic() {
        return snapshot(publishedByTopic);
    }

    public SortedMap<String, Long> deadLetteredByReason() {
        return snapshot(deadLetteredByReason);
    }

    private static String stream(String type, String label) {
        return type + "/" + label;
    }

    private static LongAdder counter(ConcurrentMap<String, LongAdder> counters, String key) {
        return counters.computeIfAbsent(key, k -> new LongAdder());
    }

    private static SortedMap<String, Long> snapshot(Map<String, LongAdder> counters) {
        SortedMap<String, Long> answer = new TreeMap<>();
        counters.forEach((key, value) -> answer.put(key, value.sum()));
        return answer;
    }
}
