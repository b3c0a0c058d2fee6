package tmdb.ingestion.producer;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import tmdb.ingestion.RecordProperties;
import tmdb.ingestion.config.TypeCatalog;

/** Addresses a record: the topic of its type, and its TMDB id, as a string, as the Kafka key. */
public final class RecordAddressing implements Processor {

    private final TypeCatalog types;

    public RecordAddressing(TypeCatalog types) {
        this.types = types;
    }

    @Override
    public void process(Exchange exchange) {
        String type = exchange.getProperty(RecordProperties.TYPE, String.class);
        exchange.setProperty(RecordProperties.TOPIC, types.require(type).topic());
        exchange.getIn().setHeader(KafkaConstants.KEY,
                Long.toString(exchange.getProperty(RecordProperties.TMDB_ID, Long.class)));
    }
}
