package tmdb.ingestion.producer;

import org.apache.camel.builder.RouteBuilder;
import tmdb.ingestion.config.DeliveryGuarantee;
import tmdb.ingestion.record.RecordProcessor;

/**
 * The one place records leave for Kafka: a window of published records and dead letters goes out in one send of one
 * {@code kafka:} endpoint, each record as its own Kafka record with its own topic (an override header: one Kafka
 * producer serves every topic), key and headers. A record that carries no topic would go to the endpoint's topic,
 * the dead-letter topic, rather than anywhere else. Outcomes are read per record ({@link WindowOutcomes}): the
 * window's own exception only says that one of them failed, so it is caught here and not retried as a whole; the
 * records that are to be sent again loop back after their back-off, without holding a thread while they wait.
 * In exactly-once mode the {@link TransactionalSender} takes the windows instead, into transactions with their
 * files' checkpoints.
 */
public class KafkaSendRoute extends RouteBuilder {

    @Override
    public void configure() {
        if (Boolean.parseBoolean(getContext().resolvePropertyPlaceholders("{{" + DeliveryGuarantee.TRANSACTIONAL_PROPERTY
                + "}}"))) {
            from("direct:kafka").routeId("kafka-sender")
                    .process("transactionalSender");
            return;
        }
        from("direct:kafka").routeId("kafka-sender")
                .onException(Exception.class).handled(true)
                    .bean("windowOutcomes", "windowFailed")
                .end()
                .loopDoWhile(RecordProcessor::holdsRecords)
                    .process("kafkaRecords")
                    .doTry()
                        .to("kafka:{{ingestion.dead-letter.topic}}?batchWithIndividualHeaders=true&recordMetadata=true")
                    .doCatch(Exception.class)
                    .end()
                    .process("windowOutcomes")
                    .delay(exchangeProperty(SendProperties.RETRY_DELAY)).asyncDelayed()
                        .executorService("kafka-redeliveries")
                .end();
    }
}
