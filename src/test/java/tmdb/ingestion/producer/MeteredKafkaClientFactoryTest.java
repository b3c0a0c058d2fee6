package tmdb.ingestion.producer;

import java.util.Properties;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import tmdb.ingestion.config.StopDeadline;

import static org.assertj.core.api.Assertions.assertThat;

/** One producer for the endpoints of the same settings, closed by the last of them; a transactional one is its own. */
class MeteredKafkaClientFactoryTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeteredKafkaClientFactory factory = new MeteredKafkaClientFactory(registry, new StopDeadline());

    /** Settings of a broker that is not there; a send gives up on its metadata at once. */
    private static Properties settings(String... extra) {
        Properties settings = new Properties();
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1");
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        for (int at = 0; at < extra.length; at += 2) {
            settings.put(extra[at], extra[at + 1]);
        }
        return settings;
    }

    /** A closed producer refuses at once; an open one tries, and gives up on the absent broker. */
    @SuppressWarnings("unchecked")
    private static boolean isClosed(Producer<?, ?> producer) {
        try {
            ((Producer<Object, Object>) producer).send(new ProducerRecord<>("t", "v"));
            return false;
        } catch (IllegalStateException closed) {
            return true;
        }
    }

    /** The same for a transactional producer, which refuses to send before its transactions are initialised. */
    private static boolean isClosedTransactional(Producer<?, ?> producer) {
        try {
            producer.initTransactions();
            throw new AssertionError("no broker, yet the transactions were initialised");
        } catch (IllegalStateException closed) {
            return true;
        } catch (TimeoutException open) {
            return false;
        }
    }

    private int producerMeters() {
        return (int) registry.getMeters().stream().filter(meter -> meter.getId().getName().startsWith("kafka.producer"))
                .count();
    }

    @Test
    void endpointsOfTheSameSettingsShareOneProducerWhichTheLastOfThemCloses() {
        Producer<?, ?> folders = factory.getProducer(settings());
        Producer<?, ?> records = factory.getProducer(settings());
        Producer<?, ?> other = factory.getProducer(settings(ProducerConfig.LINGER_MS_CONFIG, "50"));
        assertThat(records).isSameAs(folders);
        assertThat(other).as("other settings, another producer").isNotSameAs(folders);

        assertThat(producerMeters()).as("each producer's own metrics").isPositive();
        other.close();
        int sharedMeters = producerMeters();
        assertThat(sharedMeters).as("the shared producer's own metrics").isPositive();

        folders.close();
        assertThat(producerMeters()).as("one endpoint still uses it, and its metrics").isEqualTo(sharedMeters);
        assertThat(isClosed(records)).as("one endpoint still uses it").isFalse();
        records.close();
        assertThat(isClosed(records)).as("closed with its last endpoint").isTrue();
        assertThat(producerMeters()).as("and its metrics with it").isZero();
        other = factory.getProducer(settings(ProducerConfig.LINGER_MS_CONFIG, "50"));
        records.close();
        assertThat(isClosed(other)).as("a close too many closes nothing else").isFalse();

        Producer<?, ?> restarted = factory.getProducer(settings());
        assertThat(restarted).as("a route started again gets a new producer").isNotSameAs(folders);
        assertThat(isClosed(restarted)).isFalse();
        restarted.close();
        other.close();
    }

    @Test
    void aTransactionalProducerIsNeverShared() {
        Producer<?, ?> first = factory.getProducer(settings(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "t-0"));
        Producer<?, ?> second = factory.getProducer(settings(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "t-0"));
        assertThat(second).isNotSameAs(first);
        first.close();
        assertThat(isClosedTransactional(first)).isTrue();
        assertThat(isClosedTransactional(second)).isFalse();
        second.close();
    }
}
