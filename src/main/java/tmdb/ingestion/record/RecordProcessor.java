package tmdb.ingestion.record;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A processor of records that travel in windows: the exchange's body is a list of records, and the processor does
 * its one job on each of them in a loop, so Camel's per-exchange work is paid once per window.
 */
public interface RecordProcessor extends Processor {

    /** Does this processor's job on one record of the window. */
    void process(Record record) throws Exception;

    @Override
    default void process(Exchange exchange) throws Exception {
        for (Record record : window(exchange)) {
            process(record);
        }
    }

    /**
     * True when the window exchange holds records: a plain predicate, so that the routes' per-chunk and per-send
     * checks do not go through Camel's bean machinery (costly to run, and to compile).
     */
    static boolean holdsRecords(Exchange exchange) {
        return !window(exchange).isEmpty();
    }

    /** The records of a window exchange. */
    @SuppressWarnings("unchecked")
    static List<Record> window(Exchange exchange) {
        return exchange.getIn().getBody(List.class);
    }
}
