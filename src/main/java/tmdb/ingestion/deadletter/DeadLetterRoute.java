package tmdb.ingestion.deadletter;

import org.apache.camel.builder.RouteBuilder;
import tmdb.ingestion.RecordProperties;
import tmdb.ingestion.producer.KafkaDelivery;

/**
 * Sends a rejected line to the dead-letter topic, through the same Kafka producer as the records, with the same
 * retries. A dead letter that cannot be delivered either is resolved as not delivered: its file goes to
 * {@code .error/}.
 */
public class DeadLetterRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:dead-letter").routeId("dead-letter")
                .routeConfigurationId(KafkaDelivery.ID)
                .process("deadLetterRecord")
                .toD("kafka:${exchangeProperty." + RecordProperties.TOPIC + "}")
                .bean("recordOutcomes", "deadLettered");
    }
}
