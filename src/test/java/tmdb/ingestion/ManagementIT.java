package tmdb.ingestion;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import tmdb.ingestion.support.ApplicationProcess;
import tmdb.ingestion.support.BrokerProcess;
import tmdb.ingestion.support.ManagementEndpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static tmdb.ingestion.support.ManagementEndpoint.value;
import static org.awaitility.Awaitility.await;

/**
 * The management port of a running application, against a broker process: metrics scraped while a run is going
 * and after it, with the values a known input must give, and readiness following the broker away and back. A paced
 * run on a broker of its own, mostly waiting: it runs beside the other integration tests.
 */
@Execution(ExecutionMode.CONCURRENT)
class ManagementIT {

    private static final int PACED_RECORDS = 600;

    @TempDir
    Path dir;

    @Test
    void metricsCountAKnownInputAndReadinessFollowsTheBroker() throws Exception {
        Path data = dir.resolve("data");
        write(data.resolve("movie/old/paced.jsonl"), pacedMovies());
        write(data.resolve("movie/new/mixed.jsonl"), """
                {"movie_id": 1, "movie_detail": {"title": "a"}, "casts_info": [], "crews_info": []}
                {"movie_id": 2, "movie_detail": {"title": "b"}, "casts_info": [], "crews_info": []}

                {"movie_id": 3, "movie_detail": {"title": "c"
                {"movie_id": 4, "movie_detail": {"title": "d"}, "casts_info": [], "crews_info": []}
                """);
        write(data.resolve("person/old/people.jsonl"), """
                {"person_id": 10, "person_detail": {"name": "x"}}
                {"person_id": 11, "person_detail": {"name": "y"}}
                """);
        Path gzip = data.resolve("tv_series/change/packed.jsonl");
        Files.createDirectories(gzip.getParent());
        Files.write(gzip, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
        ManagementEndpoint management = new ManagementEndpoint();

        try (BrokerProcess broker = BrokerProcess.create(dir.resolve("broker")).start();
             ApplicationProcess application = ApplicationProcess.start(dir.resolve("app.log"), Map.of(),
                     "--kafka.bootstrap-servers=" + broker.bootstrapServers(),
                     "--ingestion.data-dir=" + data, "--ingestion.mode=watch",
                     "--ingestion.file.quiet-period-ms=0",
                     "--ingestion.pace.records-per-second=150",
                     "--ingestion.management.port=" + management.port(),
                     "--ingestion.management.kafka-probe-timeout-ms=1000")) {
            application.awaitLog(Pattern.compile("Management on"), Duration.ofSeconds(60));

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                String metrics = management.metrics();
                double published = value(metrics, "ingestion_records_published_total", "type=\"movie\"",
                        "label=\"old\"");
                assertThat(published).as("published while paced").isBetween(1.0, PACED_RECORDS - 100.0);
                assertThat(value(metrics, "ingestion_files_reading", "type=\"movie\"", "label=\"old\""))
                        .isEqualTo(1.0);
                assertThat(value(metrics, "ingestion_in_flight_bytes")).isPositive();
            });

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                    assertThat(value(management.metrics(), "ingestion_files_completed_total",
                            "type=\"movie\"", "label=\"old\"")).isEqualTo(1.0));
            String metrics = management.metrics();
            assertThat(value(metrics, "ingestion_lines_read_total")).isEqualTo(PACED_RECORDS + 5 + 2);
            assertThat(value(metrics, "ingestion_records_published_total", "type=\"movie\"", "label=\"old\"",
                    "topic=\"tmdb.movies.raw\"")).isEqualTo(PACED_RECORDS);
            assertThat(value(metrics, "ingestion_records_published_total", "type=\"movie\"", "label=\"new\""))
                    .isEqualTo(3);
            assertThat(value(metrics, "ingestion_records_published_total", "type=\"person\"", "label=\"old\"",
                    "topic=\"tmdb.people.raw\"")).isEqualTo(2);
            assertThat(value(metrics, "ingestion_records_dead_lettered_total", "type=\"movie\"", "label=\"new\"",
                    "reason=\"malformed_json\"")).isEqualTo(1);
            assertThat(value(metrics, "ingestion_lines_skipped_total", "type=\"movie\"", "label=\"new\""))
                    .isEqualTo(1);
            assertThat(value(metrics, "ingestion_files_completed_total", "type=\"movie\"", "label=\"new\""))
                    .isEqualTo(1);
            assertThat(value(metrics, "ingestion_files_failed_total", "type=\"tv_series\"", "label=\"change\""))
                    .isEqualTo(1);
            assertThat(value(metrics, "ingestion_files_reading", "type=\"movie\"", "label=\"old\"")).isZero();
            assertThat(value(metrics, "ingestion_files_waiting", "type=\"movie\"", "label=\"old\"")).isZero();
            assertThat(value(metrics, "ingestion_mixing_records_held")).isZero();
            assertThat(value(metrics, "ingestion_in_flight_bytes")).isZero();
            assertThat(value(metrics, "kafka_producer_record_send_total"))
                    .as("the Kafka producer's own metrics").isGreaterThanOrEqualTo(PACED_RECORDS + 3 + 2 + 1);
            assertThat(metrics.lines().filter(line -> line.startsWith("kafka_producer_record_send_total{")))
                    .as("one producer for every kafka: endpoint (the records, announcements, checkpoints, file events)")
                    .hasSize(1);

            HttpResponse<String> ready = management.get("health/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(ready.body()).contains("\"name\":\"kafka\",\"status\":\"UP\"");

            broker.kill();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                HttpResponse<String> down = management.get("health/ready");
                assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
                assertThat(down.body()).contains("\"name\":\"kafka\",\"status\":\"DOWN\"")
                        .contains(broker.bootstrapServers());
            });
            assertThat(management.get("health/live").statusCode()).as("alive while Kafka is away").isEqualTo(200);

            broker.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                    assertThat(management.get("health/ready").statusCode()).isEqualTo(200));
            assertThat(management.get("health").body()).contains("\"status\":\"UP\"");
        }
    }

    private static String pacedMovies() {
        List<String> lines = new ArrayList<>();
        for (int id = 1000; id < 1000 + PACED_RECORDS; id++) {
            lines.add("{\"movie_id\": " + id + ", \"movie_detail\": {\"title\": \"m" + id + "\"}, \"casts_info\": [], "
                    + "\"crews_info\": []}");
        }
        return String.join("\n", lines) + "\n";
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
