package tmdb.ingestion.producer;

import java.util.Properties;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import tmdb.ingestion.config.StopDeadline;

/**
 * Creates the Kafka clients as camel-kafka does, exposes each producer's own metrics as meters, and bounds a
 * producer's close by the stop's deadline: camel-kafka closes it without a timeout, which waits for every record in
 * the client's buffer, for up to the delivery timeout while Kafka is away. Records the close gives up on were not
 * acknowledged, so their files keep their checkpoints and send them again at the next start.
 */
public final class MeteredKafkaClientFactory extends DefaultKafkaClientFactory {

    private final MeterRegistry registry;
    private final StopDeadline stopDeadline;

    public MeteredKafkaClientFactory(MeterRegistry registry, StopDeadline stopDeadline) {
        this.registry = registry;
        this.stopDeadline = stopDeadline;
    }

    @Override
    public Producer getProducer(Properties kafkaProps) {
        Producer<Object, Object> producer = new KafkaProducer<>(kafkaProps) {
            @Override
            public void close() {
                close(stopDeadline.remaining());
            }
        };
        new KafkaClientMetrics(producer).bindTo(registry);
        return producer;
    }
}
