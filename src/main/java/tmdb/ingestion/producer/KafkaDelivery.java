package tmdb.ingestion.producer;

import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import tmdb.ingestion.RecordProperties;
import tmdb.ingestion.preprocessor.Rejection;

/**
 * Error handling of the route that sends to Kafka. The Kafka client retries within its delivery timeout; a send
 * that still fails with a retriable error (the broker is away, say) is redelivered with exponential back-off up to
 * a cap, without holding a thread while it waits, for as many rounds as configured (by default about two hours of
 * outage); only then is it resolved as not delivered: reported, counted, and its file goes to {@code .error/}. An error Kafka calls final
 * (an invalid topic, an authorisation failure) is resolved at once. A record the broker refuses as too large is
 * dead-lettered instead (its dead letter holds only its first bytes, so it fits).
 */
public class KafkaDelivery extends RouteConfigurationBuilder {

    public static final String ID = "kafka-delivery";

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .errorHandler(defaultErrorHandler().executorServiceRef("kafka-redeliveries"))
                .onException(RecordTooLargeException.class)
                    .onWhen(exchangeProperty(RecordProperties.REJECTION).isNull())
                    .handled(true)
                    .setProperty(RecordProperties.REJECTION, constant(Rejection.RECORD_TOO_LARGE))
                    .setProperty(RecordProperties.REJECTION_DETAIL, simple("the record was refused: ${exception.message}"))
                    .to("direct:dead-letter")
                .end()
                .onException(RetriableException.class, Exception.class).handled(true)
                    .maximumRedeliveries("{{ingestion.delivery.redeliveries}}")
                    .redeliveryDelay("{{ingestion.delivery.redelivery-delay-ms}}")
                    .maximumRedeliveryDelay("{{ingestion.delivery.max-redelivery-delay-ms}}")
                    .useExponentialBackOff()
                    .asyncDelayedRedelivery()
                    .onRedeliveryRef("kafkaRedelivery")
                    .logRetryAttempted(false)
                    .bean("recordOutcomes", "failed")
                .end()
                .onException(KafkaException.class).handled(true)
                    .bean("recordOutcomes", "failed")
                .end();
    }
}
