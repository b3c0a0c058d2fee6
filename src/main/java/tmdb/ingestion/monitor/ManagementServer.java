package tmdb.ingestion.monitor;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.config.ConfigurationException;
import tmdb.ingestion.group.GroupMember;

/**
 * The management port: Camel's health checks and the Prometheus metrics over HTTP, on the paths Camel's own
 * management server uses ({@code /observe/health}, {@code /observe/health/live}, {@code /observe/health/ready},
 * {@code /observe/metrics}), and this instance's place in its group ({@code /observe/group}: its id and the files
 * partitions it owns). A health answer is 200 when every check is up and 503 otherwise, with each check's state and
 * message as JSON.
 */
public final class ManagementServer extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CamelContext context;
    private final IngestionMetrics metrics;
    private final KafkaHealthCheck kafkaCheck;
    private final GroupMember group;
    private final String host;
    private final HttpServer server;
    private final int threads;
    private ExecutorService executor;

    /**
     * Takes the port at once, so that a port in use is a start-up error, before anything is read.
     *
     * @param threads               requests answered at once: a slow client holds one of them, not the probes
     * @param requestTimeoutSeconds longest time a client may take to send its request, and to read the answer
     */
    public ManagementServer(CamelContext context, IngestionMetrics metrics, KafkaHealthCheck kafkaCheck,
                            GroupMember group, String host, int port, int threads, int requestTimeoutSeconds)
            throws IOException {
        this.context = context;
        this.metrics = metrics;
        this.kafkaCheck = kafkaCheck;
        this.group = group;
        this.host = host;
        this.threads = threads;
        limitRequestTimes(requestTimeoutSeconds);
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (BindException e) {
            throw new ConfigurationException("ingestion.management.port", "port " + port + " on " + host
                    + " is taken by another process: choose a free one (INGESTION_MANAGEMENT_PORT), or set "
                    + "ingestion.management.enabled=false");
        }
    }

    /** The port the server listens on (the chosen one when the setting was 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    protected void doStart() throws IOException {
        HealthCheckRegistry checks = HealthCheckHelper.getHealthCheckRegistry(context);
        checks.register(kafkaCheck);
        // every check in every answer, not only the first one when all are up
        checks.setExposureLevel("full");
        AtomicInteger created = new AtomicInteger();
        executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "Management " + created.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/observe/health/live", exchange ->
                answerHealth(exchange, () -> HealthCheckHelper.invokeLiveness(context)));
        server.createContext("/observe/health/ready", exchange ->
                answerHealth(exchange, () -> HealthCheckHelper.invokeReadiness(context)));
        server.createContext("/observe/health", exchange ->
                answerHealth(exchange, () -> HealthCheckHelper.invoke(context)));
        server.createContext("/observe/metrics", exchange ->
                answer(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
        server.createContext("/observe/group", exchange ->
                answer(exchange, 200, "application/json", groupStatus()));
        server.start();
        LOG.info("Management on http://{}:{}/observe/health (also /live, /ready), /observe/metrics and /observe/group",
                host, port());
    }

    /** This instance in its group: its id, the files partitions it owns, and whether it lists the folders. */
    private String groupStatus() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("group", group.groupId());
        status.put("instance", group.instanceId());
        status.put("partitions", group.ownedPartitions());
        status.put("discovering", group.discovering());
        try {
            return JSON.writeValueAsString(status);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings, numbers and a list is always JSON", e);
        }
    }

    /**
     * The JDK's HTTP server reads a request and writes its answer on the executor's thread, without limit by
     * default: a client that sends half a request and waits would hold that thread for ever. Its own settings bound
     * both, as system properties read when the server is first used; a value the operator set on the command line is
     * kept.
     */
    private static void limitRequestTimes(int seconds) {
        for (String limit : List.of("sun.net.httpserver.maxReqTime", "sun.net.httpserver.maxRspTime")) {
            if (System.getProperty(limit) == null) {
                System.setProperty(limit, Integer.toString(seconds));
            }
        }
    }

    @Override
    protected void doStop() {
        server.stop(0);
        if (executor != null) {
            executor.shutdownNow();
        }
        kafkaCheck.close();
    }

    private static void answerHealth(HttpExchange exchange, Supplier<Collection<HealthCheck.Result>> checks)
            throws IOException {
        Collection<HealthCheck.Result> results = checks.get();
        boolean up = results.stream().noneMatch(result -> result.getState() == HealthCheck.State.DOWN);
        List<Map<String, Object>> described = new ArrayList<>();
        for (HealthCheck.Result result : results) {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("name", result.getCheck().getId());
            check.put("status", result.getState().name());
            result.getMessage().ifPresent(message -> check.put("message", message));
            described.add(check);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("checks", described);
        answer(exchange, up ? 200 : 503, "application/json", JSON.writeValueAsString(body));
    }

    private static void answer(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
