package tmdb.ingestion.deadletter;

import java.util.Arrays;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import tmdb.ingestion.RecordHeaders;
import tmdb.ingestion.RecordProperties;
import tmdb.ingestion.loader.SourceLine;
import tmdb.ingestion.preprocessor.Rejection;

/**
 * Turns a rejected line into its dead letter: the line's bytes exactly as read (even when they are not valid
 * UTF-8) as the value, the reason and its explanation as headers beside the metadata headers, the TMDB id as the
 * key when one could be read. A line longer than {@code ingestion.dead-letter.max-value-bytes} keeps only its
 * first bytes, marked {@code truncated}, so that the dead letter itself fits the broker.
 */
public final class DeadLetterRecord implements Processor {

    private final String topic;
    private final int maxValueBytes;

    public DeadLetterRecord(String topic, int maxValueBytes) {
        this.topic = topic;
        this.maxValueBytes = maxValueBytes;
    }

    @Override
    public void process(Exchange exchange) {
        SourceLine line = exchange.getProperty(RecordProperties.SOURCE_LINE, SourceLine.class);
        Rejection rejection = exchange.getProperty(RecordProperties.REJECTION, Rejection.class);
        byte[] bytes = line.bytes();
        boolean truncated = line.oversized() || bytes.length > maxValueBytes;
        Message message = exchange.getIn();
        message.setBody(bytes.length > maxValueBytes ? Arrays.copyOf(bytes, maxValueBytes) : bytes);
        message.removeHeader(RecordHeaders.TIMESTAMP);
        message.setHeader(DeadLetterHeaders.REASON, rejection.code());
        message.setHeader(DeadLetterHeaders.MESSAGE, exchange.getProperty(RecordProperties.REJECTION_DETAIL, String.class));
        message.setHeader(DeadLetterHeaders.ORIGINAL_LENGTH, Long.toString(line.length()));
        message.setHeader(DeadLetterHeaders.TRUNCATED, Boolean.toString(truncated));
        Long id = exchange.getProperty(RecordProperties.TMDB_ID, Long.class);
        if (id == null) {
            message.removeHeader(KafkaConstants.KEY);
        } else {
            message.setHeader(KafkaConstants.KEY, Long.toString(id));
        }
        exchange.setProperty(RecordProperties.TOPIC, topic);
    }
}
