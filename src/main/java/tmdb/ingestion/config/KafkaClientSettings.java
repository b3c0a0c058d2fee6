package tmdb.ingestion.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.support.PropertyBindingSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The Kafka client settings the application gives its Kafka component ({@code camel.component.kafka.*}, with the
 * {@code kafka.*} short names and their environment variables), for a tool that connects on its own: it reaches a
 * secured cluster exactly as the application does.
 */
public final class KafkaClientSettings {

    private static final String PREFIX = "camel.component.kafka.";

    private KafkaClientSettings() {
    }

    /** A consumer's settings: the component's security and client options, this cluster and group. */
    public static Properties consumer(CamelContext context, String bootstrap, String group) {
        Map<String, Object> options = new LinkedHashMap<>(new Settings(context).withPrefix(PREFIX));
        KafkaConfiguration configuration = new KafkaConfiguration();
        PropertyBindingSupport.build().withCamelContext(context).withTarget(configuration).withProperties(options)
                .withIgnoreCase(true).withMandatory(false).bind();
        Properties config = configuration.createConsumerProperties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        return config;
    }
}
