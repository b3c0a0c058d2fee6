package tmdb.ingestion.producer;

import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Error handling of every route that sends to Kafka. The Kafka client retries within its delivery timeout; a
 * send that still fails with a retriable error (or any non-Kafka error) is redelivered with back-off, and only
 * then resolved as not delivered: reported, counted, and its file goes to {@code .error/}. An error Kafka calls
 * final (an invalid topic, an authorisation failure) is resolved at once.
 */
public class KafkaDelivery extends RouteConfigurationBuilder {

    public static final String ID = "kafka-delivery";

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(RetriableException.class, Exception.class).handled(true)
                    .maximumRedeliveries("{{ingestion.delivery.redeliveries}}")
                    .redeliveryDelay("{{ingestion.delivery.redelivery-delay-ms}}")
                    .useExponentialBackOff()
                    .logRetryAttempted(false)
                    .bean("recordOutcomes", "failed")
                .end()
                .onException(KafkaException.class).handled(true)
                    .bean("recordOutcomes", "failed")
                .end();
    }
}
