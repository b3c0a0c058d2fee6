package tmdb.ingestion.monitor;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.kafka.clients.admin.Admin;
import tmdb.ingestion.group.KafkaWaits;
import tmdb.ingestion.producer.KafkaAvailability;

/**
 * Readiness of the cluster: down while the instance waits for Kafka to start or to take its partitions
 * ({@link KafkaWaits}), while sends fail (the pipeline is paused, waiting for Kafka), while a topic the run writes is
 * missing, or while the cluster does not answer a metadata request within the probe timeout. An idle instance has no sends to tell it
 * that Kafka went away, so the probe asks the cluster itself; its answer is kept for a few seconds so that
 * frequent probes do not load the brokers.
 */
public final class KafkaHealthCheck extends AbstractHealthCheck implements AutoCloseable {

    private static final long ANSWER_KEPT_NANOS = 2_000_000_000L;

    private final Supplier<Properties> adminConfig;
    private final KafkaAvailability availability;
    private final KafkaWaits waits;
    private final int timeoutMs;
    private Admin admin;
    private long askedAt;
    private String lastProblem;

    public KafkaHealthCheck(Supplier<Properties> adminConfig, KafkaAvailability availability, KafkaWaits waits,
                            int timeoutMs) {
        super("tmdb-ingestion", "kafka");
        this.adminConfig = adminConfig;
        this.availability = availability;
        this.waits = waits;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected synchronized void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("bootstrap.servers", availability.bootstrapServers());
        Map<String, String> waiting = waits.current();
        if (!waiting.isEmpty()) {
            StringBuilder message = new StringBuilder("Waiting for Kafka at " + availability.bootstrapServers());
            waiting.forEach((what, why) -> message.append("; ").append(what).append(": ").append(why));
            builder.down().message(message.toString());
            return;
        }
        if (availability.waiting()) {
            builder.down().message("Kafka at " + availability.bootstrapServers() + " has not taken records for "
                    + availability.waitingSeconds() + " s; records are held and retried");
            return;
        }
        if (!availability.missingTopics().isEmpty()) {
            builder.down().message(String.join(", ", availability.missingTopics()) + " missing at "
                    + availability.bootstrapServers() + "; their records are held and retried");
            return;
        }
        String problem = askCluster();
        if (problem == null) {
            builder.up();
        } else {
            builder.down().message(problem);
        }
    }

    private String askCluster() {
        long now = System.nanoTime();
        if (askedAt != 0 && now - askedAt < ANSWER_KEPT_NANOS) {
            return lastProblem;
        }
        if (admin == null) {
            admin = Admin.create(adminConfig.get());
        }
        try {
            admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS);
            lastProblem = null;
        } catch (TimeoutException | ExecutionException e) {
            lastProblem = "Kafka at " + availability.bootstrapServers() + " did not answer within " + timeoutMs + " ms";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lastProblem = "interrupted while asking Kafka";
        }
        askedAt = System.nanoTime();
        return lastProblem;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }
}
