package tmdb.ingestion.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) inside this JVM, listening on
 * 127.0.0.1. It is the development default when no cluster is configured; it keeps its log in a folder so that
 * topics survive a restart.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final int partitions;
    private KafkaRaftServer server;
    private int boundPort;

    /**
     * @param dataDir    where the broker keeps its log and metadata
     * @param port       the client port on 127.0.0.1; 0 picks a free one
     * @param partitions the partitions of topics created on first use
     */
    public EmbeddedKafkaBroker(Path dataDir, int port, int partitions) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.port = port;
        this.partitions = partitions;
    }

    public synchronized EmbeddedKafkaBroker start() throws IOException {
        if (server != null) {
            return this;
        }
        boundPort = port == 0 ? freePort() : requireFree(port);
        Path logDir = dataDir.resolve("log");
        Files.createDirectories(logDir);
        Properties config = serverConfig(logDir, boundPort, freePort(boundPort), partitions);
        Path configFile = dataDir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(configFile)) {
            config.store(out, "embedded development broker of tmdb-ingestion; written at every start");
        }
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(configFile, dataDir);
        }
        server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
        server.startup();
        return this;
    }

    /** Creates the topics that do not exist yet, with the broker's partition count. */
    public void createTopics(Collection<String> names) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = names.stream().distinct().filter(name -> !existing.contains(name))
                    .map(name -> new NewTopic(name, partitions, (short) 1)).toList();
            admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + boundPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /**
     * The configuration of a single-node KRaft broker (combined broker and controller) on 127.0.0.1. Like most
     * production clusters, it does not create a topic on first use: the application creates what it writes at start.
     */
    public static Properties serverConfig(Path logDir, int clientPort, int controllerPort, int partitions) {
        Properties config = new Properties();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        config.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("log.dirs", logDir.toString());
        config.put("num.partitions", Integer.toString(partitions));
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "3");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "3");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        // the group of instances may notice a lost instance within a second or two (ingestion.group.session-timeout-ms)
        config.put("group.min.session.timeout.ms", "1000");
        config.put("auto.create.topics.enable", "false");
        // a transaction that outlived its timeout is aborted within a second, not ten
        config.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        return config;
    }

    /** Formats the broker's storage, as {@code kafka-storage.sh format} does; once, before the first start. */
    public static void format(Path configFile, Path dataDir) throws IOException {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int status;
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            status = StorageTool.execute(new String[] {"format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", configFile.toString()}, print);
        } catch (RuntimeException e) {
            throw new IOException("Could not format the embedded broker's storage in " + dataDir + ": "
                    + e.getMessage() + ". Delete that folder to start afresh.", e);
        }
        if (status != 0) {
            throw new IOException("Could not format the embedded broker's storage in " + dataDir + ": "
                    + output.toString(StandardCharsets.UTF_8).trim() + ". Delete that folder to start afresh.");
        }
    }

    /** A free port on the loopback interface, other than those given: two asked for in a row may be the same. */
    public static int freePort(int... taken) throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
                port = socket.getLocalPort();
            }
            if (Arrays.stream(taken).noneMatch(used -> used == port)) {
                return port;
            }
        }
        throw new IOException("No free port on the loopback interface besides " + Arrays.toString(taken));
    }

    private static int requireFree(int port) throws IOException {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return port;
        } catch (IOException e) {
            throw new IOException("Port " + port + " on 127.0.0.1 is already in use, so the embedded Kafka broker "
                    + "cannot start there. If a Kafka broker runs there, use it: set KAFKA_BOOTSTRAP_SERVERS="
                    + "127.0.0.1:" + port + ". Otherwise choose another port with KAFKA_EMBEDDED_PORT.", e);
        }
    }
}
