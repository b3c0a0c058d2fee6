package tmdb.ingestion.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;

/** The management port of an application under test: a free port to give it, its answers, its metric values. */
public final class ManagementEndpoint {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final int port;

    public ManagementEndpoint() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    /** GET of a path under {@code /observe/}, such as {@code metrics} or {@code health/ready}. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + port + "/observe/" + path);
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public String metrics() throws IOException, InterruptedException {
        return get("metrics").body();
    }

    /**
     * Waits until the application has published at least this many records in this run (its
     * {@code ingestion_records_published_total}, all types and labels): a point chosen by progress, not by time.
     */
    public void awaitPublished(long records, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .until(() -> count(metrics(), "ingestion_records_published_total") >= records);
    }

    /**
     * The sum of the samples of a metric that carry every given label ({@code type="movie"}); 0 when there is none
     * (a counter is registered when it first counts).
     */
    public static double count(String metrics, String name, String... labels) {
        return metrics.lines().anyMatch(line -> line.startsWith(name + "{") && List.of(labels).stream()
                .allMatch(line::contains)) ? value(metrics, name, labels) : 0;
    }

    /**
     * The sum of the samples of a metric that carry every given label ({@code type="movie"}); fails when there is
     * none.
     */
    public static double value(String metrics, String name, String... labels) {
        double sum = 0;
        boolean found = false;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            boolean matches = true;
            for (String label : labels) {
                matches &= line.contains(label);
            }
            if (matches) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        if (!found) {
            throw new AssertionError("no " + name + " " + List.of(labels) + " in\n" + metrics);
        }
        return sum;
    }
}
