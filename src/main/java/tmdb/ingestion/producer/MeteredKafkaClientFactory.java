package tmdb.ingestion.producer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import tmdb.ingestion.config.StopDeadline;

/**
 * Creates the Kafka clients as camel-kafka does, with three differences. Endpoints of the same producer settings share
 * one producer: camel-kafka makes a client for every route that sends to a {@code kafka:} endpoint (the nine folder
 * routes alone made nine, each started, connected and closed at every run), where Kafka's own advice is one producer per
 * application; it is closed when the last of them stops, and a transactional producer is never shared. The records,
 * checkpoints, announcements and file events so share the client's buffer ({@code buffer.memory}, 32 MiB by default)
 * and {@code max.block.ms}: the in-flight budget keeps the records' share below it (16 MiB at most by default). An
 * endpoint stopped before the others may leave sends in the shared client: their completions run on one worker pool
 * for the component, which outlives the endpoints ({@link #installOn}). Each producer's own metrics are meters.
 * And a close is bounded by the stop's deadline: camel-kafka closes without a timeout, which waits for every record in
 * the client's buffer, for up to the delivery timeout while Kafka is away. Records the close gives up on were not
 * acknowledged, so their files keep their checkpoints and send them again at the next start.
 */
public final class MeteredKafkaClientFactory extends DefaultKafkaClientFactory {

    private final MeterRegistry registry;
    private final StopDeadline stopDeadline;
    /** The shared producers by their settings, and each one's number of users; guarded by this factory. */
    private final Map<Properties, SharedProducer> shared = new HashMap<>();

    public MeteredKafkaClientFactory(MeterRegistry registry, StopDeadline stopDeadline) {
        this.registry = registry;
        this.stopDeadline = stopDeadline;
    }

    /**
     * Makes the component's producers, and gives its endpoints one worker pool, shut down with the context: camel-kafka
     * gives each endpoint a pool of its own and shuts it down with the endpoint, which would drop the completion of a
     * send the endpoint left in the shared producer. Before any endpoint is made, which copies the component's settings.
     */
    public void installOn(KafkaComponent kafka, int workerPoolCoreSize, int workerPoolMaxSize) {
        kafka.setKafkaClientFactory(this);
        kafka.getConfiguration().setWorkerPool(kafka.getCamelContext().getExecutorServiceManager().newThreadPool(kafka,
                "KafkaProducer", workerPoolCoreSize, workerPoolMaxSize));
    }

    @Override
    public synchronized Producer getProducer(Properties kafkaProps) {
        Properties settings = new Properties();
        settings.putAll(kafkaProps);
        SharedProducer producer = settings.containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG)
                ? new SharedProducer(settings) : shared.computeIfAbsent(settings, SharedProducer::new);
        producer.users++;
        return producer;
    }

    /** One user fewer; true when it was the last, and the producer is to be closed. */
    private synchronized boolean released(SharedProducer producer) {
        // a close too many would close the client again, and Kafka warns when it unregisters it twice
        if (producer.users <= 0 || --producer.users > 0) {
            return false;
        }
        shared.remove(producer.settings, producer);
        return true;
    }

    /** A producer and the number of endpoints that use it; the last one to close it closes it. */
    private final class SharedProducer extends KafkaProducer<Object, Object> {

        private final Properties settings;
        private final KafkaClientMetrics metrics;
        /** Guarded by the factory. */
        private int users;

        SharedProducer(Properties settings) {
            super(settings);
            this.settings = settings;
            metrics = new KafkaClientMetrics(this);
            metrics.bindTo(registry);
        }

        @Override
        public void close() {
            close(stopDeadline.remaining());
        }

        @Override
        public void close(Duration timeout) {
            if (released(this)) {
                metrics.close();
                super.close(timeout);
            }
        }
    }
}
