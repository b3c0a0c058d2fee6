package tmdb.ingestion.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import tmdb.ingestion.broker.EmbeddedKafkaBroker;

/** A real KRaft broker in a process of its own, as the Kafka distribution runs it: killed and started again. */
public final class BrokerProcess implements AutoCloseable {

    /** The SASL/PLAIN users of {@link #createWithSasl}: {@code admin} (the broker's own) and {@code ingest}. */
    public static final String INGEST_USER = "ingest";
    public static final String INGEST_PASSWORD = "ingest-secret-9f3a";

    private final Path dir;
    private final int port;
    private final Map<String, Object> clientSecurity;
    private Process process;

    private BrokerProcess(Path dir, int port, Map<String, Object> clientSecurity) {
        this.dir = dir;
        this.port = port;
        this.clientSecurity = clientSecurity;
    }

    public static BrokerProcess create(Path dir) throws IOException {
        return create(dir, false);
    }

    /** A broker whose only client listener is SASL_PLAINTEXT with the PLAIN mechanism. */
    public static BrokerProcess createWithSasl(Path dir) throws IOException {
        return create(dir, true);
    }

    public static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    private static BrokerProcess create(Path dir, boolean sasl) throws IOException {
        int port = EmbeddedKafkaBroker.freePort();
        int controllerPort = EmbeddedKafkaBroker.freePort(port);
        Path configFile = dir.resolve("server.properties");
        Files.createDirectories(dir);
        Properties config = EmbeddedKafkaBroker.serverConfig(dir.resolve("log"), port, controllerPort, 3);
        Map<String, Object> clientSecurity = Map.of();
        if (sasl) {
            config.put("listeners", "SASL_PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            config.put("advertised.listeners", "SASL_PLAINTEXT://127.0.0.1:" + port);
            config.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
            config.put("inter.broker.listener.name", "SASL_PLAINTEXT");
            config.put("sasl.enabled.mechanisms", "PLAIN");
            config.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
            config.put("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" "
                            + "password=\"admin-secret\" user_admin=\"admin-secret\" user_" + INGEST_USER + "=\""
                            + INGEST_PASSWORD + "\";");
            clientSecurity = Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                    "sasl.jaas.config", jaas(INGEST_USER, INGEST_PASSWORD));
        }
        try (OutputStream out = Files.newOutputStream(configFile)) {
            config.store(out, "test broker");
        }
        EmbeddedKafkaBroker.format(configFile, dir);
        return new BrokerProcess(dir, port, clientSecurity);
    }

    /** What a client needs beside the address: empty, or the SASL settings of the {@code ingest} user. */
    public Map<String, Object> clientSecurity() {
        return clientSecurity;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public BrokerProcess start() throws Exception {
        process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "kafka.Kafka",
                dir.resolve("server.properties").toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, Object> adminConfig = new HashMap<>(clientSecurity);
        adminConfig.putAll(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000));
        try (Admin admin = Admin.create(adminConfig)) {
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

    /**
     * Freezes the broker (SIGSTOP): it is away as behind a network cut, with nothing lost or recovered, until
     * {@link #thaw}.
     */
    public void freeze() throws Exception {
        Signals.send("STOP", process.pid());
    }

    public void thaw() throws Exception {
        Signals.send("CONT", process.pid());
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            kill();
        }
    }
}
