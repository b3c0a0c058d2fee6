package tmdb.ingestion.file;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

/**
 * Run-wide counters, safe to update from any thread, labelled by type and label (and topic or reason). Each
 * counter is also a meter of the given registry, created the first time its labels occur, so that the summary,
 * the progress line and the metrics endpoint read the same numbers.
 */
public final class IngestionStats {

    private final Instant started = Instant.now();
    private final TaggedCounter read;
    private final TaggedCounter published;
    private final TaggedCounter publishedBytes;
    private final TaggedCounter contentBytesRead;
    private final TaggedCounter fileBytesRead;
    private final TaggedCounter deadLettered;
    private final TaggedCounter failed;
    private final TaggedCounter skipped;
    private final TaggedCounter resent;
    private final TaggedCounter alreadyDelivered;
    private final TaggedCounter filesDone;
    private final TaggedCounter filesFailed;
    private final TaggedCounter filesNotOpened;
    private final TaggedCounter statusEventsDropped;
    private final LongAdder leftMixing = new LongAdder();

    /** Counters without meters, for tests and tools. */
    public IngestionStats() {
        this(new CompositeMeterRegistry());
    }

    public IngestionStats(MeterRegistry meters) {
        read = new TaggedCounter(meters, "ingestion.records.read", "Records read from files and admitted",
                "type", "label");
        published = new TaggedCounter(meters, "ingestion.records.published", "Records acknowledged by Kafka",
                "type", "label", "topic");
        publishedBytes = new TaggedCounter(meters, "ingestion.published.bytes", "Bytes of the records published",
                "type", "label", "topic");
        contentBytesRead = new TaggedCounter(meters, "ingestion.content.bytes.read",
                "Bytes of lines read (a compressed file's decompressed bytes)", "type", "label", "format");
        fileBytesRead = new TaggedCounter(meters, "ingestion.file.bytes.read",
                "Bytes of files read (a compressed file's compressed bytes, from its start when it resumed)", "type",
                "label", "format");
        deadLettered = new TaggedCounter(meters, "ingestion.records.dead.lettered",
                "Lines sent to the dead-letter topic", "type", "label", "reason");
        failed = new TaggedCounter(meters, "ingestion.records.not.delivered",
                "Records Kafka did not take after every retry", "type", "label");
        skipped = new TaggedCounter(meters, "ingestion.lines.skipped", "Blank lines skipped", "type", "label");
        resent = new TaggedCounter(meters, "ingestion.lines.resent",
                "Lines sent again after a restart: read before it, not yet resolved at the last checkpoint", "type",
                "label");
        alreadyDelivered = new TaggedCounter(meters, "ingestion.lines.already.delivered",
                "Lines of resumed files skipped: resolved before the restart", "type", "label");
        filesDone = new TaggedCounter(meters, "ingestion.files.completed",
                "Files with every line accounted for, moved to .done", "type", "label");
        filesFailed = new TaggedCounter(meters, "ingestion.files.failed", "Files moved to .error", "type", "label");
        filesNotOpened = new TaggedCounter(meters, "ingestion.files.not.opened",
                "Files left in place because they could not be opened (permission denied, say)", "type", "label");
        statusEventsDropped = new TaggedCounter(meters, "ingestion.status.events.dropped",
                "File status events not published (the status topic refused them, or they waited too long)",
                "event");
        FunctionCounter.builder("ingestion.lines.read", this, IngestionStats::linesRead)
                .description("Lines read from files: records admitted plus blank lines").register(meters);
    }

    public void recordsRead(String type, String label, long count) {
        read.add(count, type, label);
    }

    public void recordsPublished(String type, String label, String topic, long count, long bytes) {
        published.add(count, type, label, topic);
        publishedBytes.add(bytes, type, label, topic);
    }

    /** A reader went through these bytes of a file's lines, and read these of the file itself. */
    public void bytesRead(String type, String label, String format, long contentBytes, long fileBytes) {
        contentBytesRead.add(contentBytes, type, label, format);
        fileBytesRead.add(fileBytes, type, label, format);
    }

    public long contentBytesRead() {
        return contentBytesRead.sum();
    }

    /** Bytes of compressed files read, decompressed, by format. */
    public SortedMap<String, Long> compressedContentBytesRead() {
        SortedMap<String, Long> byFormat = contentBytesRead.byTag(2);
        byFormat.remove(ContentFormat.PLAIN.label());
        return byFormat;
    }

    /** Compressed bytes of compressed files read, by format. */
    public SortedMap<String, Long> compressedFileBytesRead() {
        SortedMap<String, Long> byFormat = fileBytesRead.byTag(2);
        byFormat.remove(ContentFormat.PLAIN.label());
        return byFormat;
    }

    public void recordsDeadLettered(String type, String label, String reason, long count) {
        deadLettered.add(count, type, label, reason);
    }

    public void recordsFailed(String type, String label, long count) {
        failed.add(count, type, label);
    }

    /** A window of records left the mixing stage for the workers. */
    public void recordsLeftMixing(long count) {
        leftMixing.add(count);
    }

    public void linesSkipped(String type, String label, long count) {
        skipped.add(count, type, label);
    }

    public void linesResent(String type, String label, long count) {
        resent.add(count, type, label);
    }

    public void linesAlreadyDelivered(String type, String label, long count) {
        alreadyDelivered.add(count, type, label);
    }

    public void fileDone(String type, String label) {
        filesDone.add(1, type, label);
    }

    public void fileFailed(String type, String label) {
        filesFailed.add(1, type, label);
    }

    public void fileNotOpened(String type, String label) {
        filesNotOpened.add(1, type, label);
    }

    public long filesNotOpened() {
        return filesNotOpened.sum();
    }

    public void statusEventDropped(String event) {
        statusEventsDropped.add(1, event);
    }

    public long statusEventsDropped() {
        return statusEventsDropped.sum();
    }

    public Instant started() {
        return started;
    }

    public Duration elapsed() {
        return Duration.between(started, Instant.now());
    }

    /** Lines read from files: records admitted into the pipeline plus blank lines skipped. */
    public long linesRead() {
        return read.sum() + skipped.sum();
    }

    /** Records admitted but not yet released by the mixing stage. */
    public long heldInMixing() {
        return Math.max(0, read.sum() - leftMixing.sum());
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

    public long resent() {
        return resent.sum();
    }

    public long alreadyDelivered() {
        return alreadyDelivered.sum();
    }

    public long filesDone() {
        return filesDone.sum();
    }

    public long filesFailed() {
        return filesFailed.sum();
    }

    /** Records read, by {@code type/label}. */
    public SortedMap<String, Long> readByStream() {
        return read.byStream();
    }

    /** Records published, by {@code type/label}. */
    public SortedMap<String, Long> publishedByStream() {
        return published.byStream();
    }

    public SortedMap<String, Long> publishedByTopic() {
        return published.byTag(2);
    }

    public SortedMap<String, Long> deadLetteredByReason() {
        return deadLettered.byTag(2);
    }

    /** One counter per combination of tag values, registered as a meter when the combination first occurs. */
    private static final class TaggedCounter {

        private final MeterRegistry meters;
        private final String name;
        private final String description;
        private final String[] tagKeys;
        private final ConcurrentMap<List<String>, LongAdder> counts = new ConcurrentHashMap<>();

        TaggedCounter(MeterRegistry meters, String name, String description, String... tagKeys) {
            this.meters = meters;
            this.name = name;
            this.description = description;
            this.tagKeys = tagKeys;
        }

        void add(long amount, String... tagValues) {
            counts.computeIfAbsent(List.of(tagValues), this::register).add(amount);
        }

        private LongAdder register(List<String> tagValues) {
            LongAdder adder = new LongAdder();
            FunctionCounter.Builder<LongAdder> meter = FunctionCounter.builder(name, adder, LongAdder::sum)
                    .description(description);
            for (int i = 0; i < tagKeys.length; i++) {
                meter.tag(tagKeys[i], tagValues.get(i));
            }
            meter.register(meters);
            return adder;
        }

        long sum() {
            long total = 0;
            for (LongAdder adder : counts.values()) {
                total += adder.sum();
            }
            return total;
        }

        SortedMap<String, Long> byStream() {
            SortedMap<String, Long> answer = new TreeMap<>();
            counts.forEach((tags, adder) -> answer.merge(tags.get(0) + "/" + tags.get(1), adder.sum(), Long::sum));
            return answer;
        }

        SortedMap<String, Long> byTag(int index) {
            SortedMap<String, Long> answer = new TreeMap<>();
            counts.forEach((tags, adder) -> answer.merge(tags.get(index), adder.sum(), Long::sum));
            return answer;
        }
    }
}
