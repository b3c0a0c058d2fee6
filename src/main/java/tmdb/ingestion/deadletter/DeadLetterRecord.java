package tmdb.ingestion.deadletter;

import java.util.Arrays;

import tmdb.ingestion.file.SourceLine;
import tmdb.ingestion.record.Record;
import tmdb.ingestion.record.RecordHeaders;
import tmdb.ingestion.record.RecordProcessor;

/**
 * Turns a rejected line into its dead letter, in its window: the line's bytes exactly as read (even when they are
 * not valid UTF-8) as the value, the reason and its explanation as headers beside the metadata headers, the TMDB id
 * as the key when one could be read. A line longer than {@code ingestion.dead-letter.max-value-bytes} keeps only its
 * first bytes, marked {@code truncated}, so that the dead letter itself fits the broker.
 */
public final class DeadLetterRecord implements RecordProcessor {

    private final String topic;
    private final int maxValueBytes;

    public DeadLetterRecord(String topic, int maxValueBytes) {
        this.topic = topic;
        this.maxValueBytes = maxValueBytes;
    }

    public String topic() {
        return topic;
    }

    @Override
    public void process(Record record) {
        if (!record.rejected()) {
            return;
        }
        SourceLine line = record.line();
        byte[] bytes = line.bytes();
        record.value(bytes.length > maxValueBytes ? Arrays.copyOf(bytes, maxValueBytes) : bytes);
        record.headers().remove(RecordHeaders.TIMESTAMP);
        record.header(DeadLetterHeaders.REASON, record.rejection().code());
        record.header(DeadLetterHeaders.MESSAGE, record.rejectionDetail());
        record.header(DeadLetterHeaders.ORIGINAL_LENGTH, Long.toString(line.length()));
        record.header(DeadLetterHeaders.TRUNCATED, Boolean.toString(line.oversized() || bytes.length > maxValueBytes));
        record.address(topic, record.tmdbId() == null ? null : Long.toString(record.tmdbId()));
    }
}
