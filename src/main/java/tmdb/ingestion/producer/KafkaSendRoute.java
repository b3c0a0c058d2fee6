package tmdb.ingestion.producer;

import org.apache.camel.builder.RouteBuilder;
import tmdb.ingestion.PipelineConfiguration;
import tmdb.ingestion.RecordProperties;

/**
 * The one place records leave for Kafka: published records and dead letters alike, to the topic each one names,
 * through one dynamic {@code kafka:} endpoint. Camel turns the topic into an override header, so a single Kafka
 * producer serves every topic. Failures are handled as {@link KafkaDelivery} says. In exactly-once mode the
 * {@link TransactionalSender} takes them instead, into transactions with their files' checkpoints.
 */
public class KafkaSendRoute extends RouteBuilder {

    @Override
    public void configure() {
        if (Boolean.parseBoolean(getContext().resolvePropertyPlaceholders("{{" + PipelineConfiguration.TRANSACTIONAL
                + "}}"))) {
            from("direct:kafka").routeId("kafka-sender")
                    .process("transactionalSender");
            return;
        }
        from("direct:kafka").routeId("kafka-sender")
                .routeConfigurationId(KafkaDelivery.ID)
                .toD("kafka:${exchangeProperty." + RecordProperties.TOPIC + "}")
                .process("kafkaDelivered")
                .bean("recordOutcomes", "delivered");
    }
}
