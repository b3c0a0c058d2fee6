package tmdb.ingestion.producer;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import tmdb.ingestion.config.ConfigurationException;
import tmdb.ingestion.config.KafkaNotReachableException;

/**
 * Checks at start that the cluster answers, with the producer's own connection and security settings (a SASL or
 * TLS cluster is asked exactly as the producer will ask it), and fails fast with a message that says what to
 * check: the address, the credentials, the client settings.
 */
public final class KafkaReachability {

    /** Kafka's config providers ({@code ${file:path:key}} in any setting), for secrets kept in files. */
    private static final String CONFIG_PROVIDERS = "config.providers";

    private KafkaReachability() {
    }

    public static void require(KafkaConfiguration producer, String bootstrap, int timeoutMs) {
        Properties config = adminConfig(producer, bootstrap, timeoutMs);
        String where = bootstrap + " (kafka.bootstrap-servers, KAFKA_BOOTSTRAP_SERVERS)";
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
                throw new ConfigurationException("Kafka at " + where + " refused the credentials: "
                        + cause.getMessage() + ". Check camel.component.kafka.sasl-mechanism and sasl-jaas-config "
                        + "(or the TLS key store) and the user's rights.");
            }
            throw notReachable(where, timeoutMs);
        } catch (TimeoutException e) {
            throw notReachable(where, timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigurationException("Interrupted while connecting to Kafka at " + where);
        } catch (KafkaException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new ConfigurationException("Kafka client settings are wrong for " + where + ": " + e.getMessage()
                    + (root == e ? "" : ": " + root.getMessage()));
        }
    }

    /** Admin client settings that connect exactly as the producer does, with the given timeouts. */
    public static Properties adminConfig(KafkaConfiguration producer, String bootstrap, int timeoutMs) {
        Properties config = new Properties();
        producer.createProducerProperties().forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key.toString())
                    || key.toString().startsWith(CONFIG_PROVIDERS)) {
                config.put(key, value);
            }
        });
        config.putAll(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs));
        return config;
    }

    private static ConfigurationException notReachable(String where, int timeoutMs) {
        return new KafkaNotReachableException("Kafka is not reachable at " + where + " within " + timeoutMs + " ms "
                + "(kafka.connect-timeout-ms). Check the address, that the brokers run, and the security protocol; or "
                + "unset KAFKA_BOOTSTRAP_SERVERS to use the embedded development broker.");
    }
}
