package tmdb.ingestion.broker;

import java.nio.file.Path;
import java.util.Collection;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded broker as a Camel service, stopped with the context after the routes. It must be started as soon
 * as it is added (force start), so that its address is known before the Kafka component connects.
 */
public final class EmbeddedBrokerService extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBrokerService.class);

    private final EmbeddedKafkaBroker broker;
    private final Collection<String> topics;

    /** The topics are created at start, so the first records do not wait for automatic topic creation. */
    public EmbeddedBrokerService(Path dataDir, int port, int partitions, Collection<String> topics) {
        this.broker = new EmbeddedKafkaBroker(dataDir, port, partitions);
        this.topics = topics;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    @Override
    protected void doStart() throws Exception {
        LOG.info("No Kafka cluster configured (KAFKA_BOOTSTRAP_SERVERS is empty): starting the embedded "
                + "development broker, data in {}", broker.dataDir());
        broker.start();
        broker.createTopics(topics);
        LOG.info("Embedded Kafka broker (development default, single node, not for production) listening on {}",
                broker.bootstrapServers());
    }

    @Override
    protected void doStop() {
        broker.close();
        LOG.info("Embedded Kafka broker stopped");
    }
}
