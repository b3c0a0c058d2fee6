package tmdb.ingestion.producer;

import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.common.errors.RecordTooLargeException;
import tmdb.ingestion.RecordProperties;
import tmdb.ingestion.preprocessor.Rejection;

/**
 * Sends each record to the topic of its type, keyed by its TMDB id. One dynamic {@code kafka:} endpoint serves
 * every topic (Camel turns the topic into an override header, so a single producer is used). Failures are
 * handled as {@link KafkaDelivery} says, except a record the broker refuses as too large: that one is
 * dead-lettered.
 */
public class PublishRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:publish").routeId("publisher")
                .routeConfigurationId(KafkaDelivery.ID)
                .onException(RecordTooLargeException.class).handled(true)
                    .setProperty(RecordProperties.REJECTION, constant(Rejection.RECORD_TOO_LARGE))
                    .setProperty(RecordProperties.REJECTION_DETAIL, simple("the record was refused: ${exception.message}"))
                    .to("direct:dead-letter")
                .end()
                .process("recordAddressing")
                .toD("kafka:${exchangeProperty." + RecordProperties.TOPIC + "}")
                .bean("recordOutcomes", "published");
    }
}
