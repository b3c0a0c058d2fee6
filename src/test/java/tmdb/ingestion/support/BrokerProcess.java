package tmdb.ingestion.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import tmdb.ingestion.broker.EmbeddedKafkaBroker;

/** A real KRaft broker in a process of its own, as the Kafka distribution runs it: killed and started again. */
public final class BrokerProcess implements AutoCloseable {

    private final Path dir;
    private final int port;
    private Process process;

    private BrokerProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static BrokerProcess create(Path dir) throws IOException {
        int port = EmbeddedKafkaBroker.freePort();
        Path configFile = dir.resolve("server.properties");
        Files.createDirectories(dir);
        try (OutputStream out = Files.newOutputStream(configFile)) {
            EmbeddedKafkaBroker.serverConfig(dir.resolve("log"), port, EmbeddedKafkaBroker.freePort(), 3)
                    .store(out, "test broker");
        }
        EmbeddedKafkaBroker.format(configFile, dir);
        return new BrokerProcess(dir, port);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public BrokerProcess start() throws Exception {
        process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "kafka.Kafka",
                dir.resolve("server.properties").toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000))) {
            while (System.nanoTime() < deadline) {
                try {
                    admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                    return this;
                } catch (Exception notYet) {
                    Thread.sleep(200);
                }
            }
        }
        throw new AssertionError("the broker did not start; see " + dir.resolve("broker.log"));
    }

    /** Takes the broker away at once, as a crash or a network cut would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            kill();
        }
    }
}
