package tmdb.ingestion.monitor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.group.KafkaWaits;
import tmdb.ingestion.producer.KafkaAvailability;
import tmdb.ingestion.support.Records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Clients that send half a request and wait do not keep the probes from their answers. */
class ManagementServerTest {

    private static final int THREADS = 2;
    private static final int TIMEOUT_SECONDS = 1;

    private final CamelContext context = new DefaultCamelContext();
    private final List<Socket> stalled = new ArrayList<>();
    private ManagementServer server;

    @AfterEach
    void stop() throws Exception {
        for (Socket socket : stalled) {
            socket.close();
        }
        if (server != null) {
            server.stop();
        }
        context.close();
    }

    @Test
    void moreStuckClientsThanThreadsDelayTheLivenessProbeByTheRequestTimeoutAtMost() throws Exception {
        KafkaAvailability availability = new KafkaAvailability("unused:9092", new InFlightBudget(1),
                Records.clusterWithEveryTopic());
        server = new ManagementServer(context, new IngestionMetrics("test"), new KafkaHealthCheck(Properties::new,
                availability, new KafkaWaits(), 1000), null, "127.0.0.1", 0, THREADS, TIMEOUT_SECONDS);
        context.start();
        server.start();

        for (int i = 0; i < THREADS + 1; i++) {
            Socket socket = new Socket("127.0.0.1", server.port());
            OutputStream out = socket.getOutputStream();
            out.write("GET /observe/health/live HTTP/1.1\r\nHost: probe\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            stalled.add(socket);
        }

        HttpResponse<String> live = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/observe/health/live"))
                .timeout(Duration.ofSeconds(10 * TIMEOUT_SECONDS)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(live.statusCode()).isEqualTo(200);
        for (Socket socket : stalled) {
            socket.setSoTimeout(10_000 * TIMEOUT_SECONDS);
            InputStream in = socket.getInputStream();
            await().atMost(Duration.ofSeconds(10L * TIMEOUT_SECONDS)).until(() -> closedByServer(in));
        }
    }

    private static boolean closedByServer(InputStream in) {
        try {
            return in.read() < 0;
        } catch (IOException reset) {
            return true;
        }
    }
}
