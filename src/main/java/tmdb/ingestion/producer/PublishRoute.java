package tmdb.ingestion.producer;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import tmdb.ingestion.RecordProperties;

/**
 * Sends each record to the topic of its type, keyed by its TMDB id. One dynamic {@code kafka:} endpoint serves
 * every topic (Camel turns the topic into an override header, so a single producer is used). The Kafka client
 * retries within its delivery timeout; a send that still fails is redelivered with back-off, and only then
 * resolved as failed: reported, counted, and its file goes to {@code .error/}.
 */
public class PublishRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:publish").routeId("publisher")
                .onException(Exception.class).handled(true)
                    .maximumRedeliveries("{{ingestion.delivery.redeliveries}}")
                    .redeliveryDelay("{{ingestion.delivery.redelivery-delay-ms}}")
                    .useExponentialBackOff()
                    .retryAttemptedLogLevel(LoggingLevel.WARN)
                    .bean("recordOutcomes", "failed")
                .end()
                .process("recordAddressing")
                .toD("kafka:${exchangeProperty." + RecordProperties.TOPIC + "}")
                .bean("recordOutcomes", "published");
    }
}
