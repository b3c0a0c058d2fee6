package tmdb.ingestion.producer;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultExchange;
import tmdb.ingestion.record.Record;
import tmdb.ingestion.record.RecordProcessor;

/**
 * Turns the records of a window that are to be sent into the body the {@code kafka:} endpoint sends as separate
 * records: an {@code Iterable} of messages, each with its own topic (override header), key and headers (the
 * endpoint's {@code batchWithIndividualHeaders}), made as the producer takes them so that the pacer releases them one
 * by one. Each record keeps its message, whose exception, or acknowledgement, tells afterwards how its send ended.
 * A send takes the window's waiting records, or, when paced, the next slice of them; the rest wait for the next
 * round of the send loop. A record sent again after a failure is not released (nor paced) again.
 */
public final class KafkaRecords implements Processor {

    private final CamelContext context;
    private final Pacer pacer;

    public KafkaRecords(CamelContext context, Pacer pacer) {
        this.context = context;
        this.pacer = pacer;
    }

    @Override
    public void process(Exchange exchange) {
        List<Record> waiting = RecordProcessor.window(exchange);
        int slice = pacer.sliceOf(waiting.size());
        List<Record> records = new ArrayList<>(waiting.subList(0, slice));
        exchange.setProperty(SendProperties.SENT, records);
        exchange.setProperty(SendProperties.NOT_SENT, new ArrayList<>(waiting.subList(slice, waiting.size())));
        records.forEach(record -> record.sentAs(null));
        Iterable<Record> released = pacer.released(records);
        exchange.getIn().setBody((Iterable<Exchange>) () -> {
            Iterator<Record> next = released.iterator();
            return new Iterator<>() {
                private Exchange last;

                @Override
                public boolean hasNext() {
                    return next.hasNext() && !failedAtOnce(last);
                }

                @Override
                public Exchange next() {
                    last = message(next.next());
                    return last;
                }
            };
        });
    }

    /**
     * True when the client refused a record at once with an error worth retrying (no metadata within
     * {@code max.block.ms}, its buffer full): the broker is away, and the records after it would each wait as long.
     * The round ends there; the records it did not take are sent again with the ones that failed.
     */
    static boolean failedAtOnce(Exchange message) {
        return message != null && message.getException() != null
                && WindowOutcomes.isRetriable(message.getException());
    }

    private Exchange message(Record record) {
        Exchange message = new DefaultExchange(context);
        Message in = message.getIn();
        in.setBody(record.value());
        record.headers().forEach(in::setHeader);
        if (record.key() != null) {
            in.setHeader(KafkaConstants.KEY, record.key());
        }
        in.setHeader(KafkaConstants.OVERRIDE_TOPIC, record.topic());
        record.sentAs(message);
        return message;
    }
}
