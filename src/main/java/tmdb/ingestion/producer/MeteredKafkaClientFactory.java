package tmdb.ingestion.producer;

import java.util.Properties;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.kafka.clients.producer.Producer;

/** Creates the Kafka clients as camel-kafka does, and exposes each producer's own metrics as meters. */
public final class MeteredKafkaClientFactory extends DefaultKafkaClientFactory {

    private final MeterRegistry registry;

    public MeteredKafkaClientFactory(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Producer getProducer(Properties kafkaProps) {
        Producer producer = super.getProducer(kafkaProps);
        new KafkaClientMetrics(producer).bindTo(registry);
        return producer;
    }
}
