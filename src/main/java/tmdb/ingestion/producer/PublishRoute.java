package tmdb.ingestion.producer;

import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import tmdb.ingestion.RecordProperties;

/**
 * Sends each record to the topic of its type, keyed by its TMDB id. One dynamic {@code kafka:} endpoint serves
 * every topic (Camel turns the topic into an override header, so a single producer is used). The Kafka client
 * retries within its delivery timeout; a send that still fails with a retriable error is redelivered with
 * back-off, and only then resolved as failed: reported, counted, and its file goes to {@code .error/}. An error
 * Kafka calls final (an invalid topic, a record too large) is resolved at once.
 */
public class PublishRoute extends RouteBuilder {

    @Override
    public void configure() {
        onException(RetriableException.class, Exception.class).handled(true)
                .maximumRedeliveries("{{ingestion.delivery.redeliveries}}")
                .redeliveryDelay("{{ingestion.delivery.redelivery-delay-ms}}")
                .useExponentialBackOff()
                .logRetryAttempted(false)
                .bean("recordOutcomes", "failed");
        onException(KafkaException.class).handled(true)
                .bean("recordOutcomes", "failed");

        from("direct:publish").routeId("publisher")
                .process("recordAddressing")
                .toD("kafka:${exchangeProperty." + RecordProperties.TOPIC + "}")
                .bean("recordOutcomes", "published");
    }
}
