package tmdb.ingestion;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tmdb.ingestion.support.ApplicationProcess;
import tmdb.ingestion.support.InPlaceWriter;
import tmdb.ingestion.support.ManagementEndpoint;
import tmdb.ingestion.support.TestBroker;
import tmdb.ingestion.support.TopicReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static tmdb.ingestion.support.ManagementEndpoint.value;

/**
 * Collectors that write their files in place, while the application reads them: writer processes append in bursts
 * with pauses longer than the quiet period and just under it, write a line in two halves across a pause, append
 * while the last records of the file are being acknowledged, and write a log that grows for as long as the test
 * watches it. Every line a writer wrote is on Kafka exactly once, and no file is moved with a line in it that was not
 * published.
 */
class GrowingFileIT {

    private static final long QUIET_MS = 2500;
    private static final int ACKED_FIRST = 400;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final String prefix = "growing-" + System.nanoTime();

    /** One writer: its file under the data folder, how it writes, what it writes. */
    private record Writer(String file, String type, boolean hold, List<String> steps) {
    }

    private static List<Writer> writers() {
        long pause = QUIET_MS * 3 / 2;
        long justUnder = QUIET_MS * 7 / 10;
        return List.of(
                new Writer("movie/new/bursts.jsonl", "movie", true, List.of("lines:20:1000", "sleep:" + pause,
                        "lines:20:1020", "sleep:" + pause, "lines:20:1040")),
                new Writer("movie/change/reopened.jsonl", "movie", false, List.of("lines:20:2000",
                        "sleep:" + 2 * QUIET_MS, "lines:20:2020")),
                new Writer("movie/old/just-under.jsonl", "movie", true, List.of("lines:10:3000", "sleep:" + justUnder,
                        "lines:10:3010", "sleep:" + justUnder, "lines:10:3020", "sleep:" + justUnder,
                        "lines:10:3030")),
                new Writer("tv_series/new/halves.jsonl", "tv_series", true, List.of("lines:10:4000", "half:4010",
                        "sleep:" + QUIET_MS / 2, "rest:4010", "lines:5:4011", "half:4016", "sleep:" + QUIET_MS / 2,
                        "rest:4016")),
                new Writer("person/new/acked.jsonl", "person", true, List.of("lines:" + ACKED_FIRST + ":5000", "await",
                        "lines:50:5400")),
                new Writer("tv_series/old/log.jsonl", "tv_series", true, List.of("every:40:150:6000")));
    }

    private List<String> topics() {
        return List.of(prefix + ".movie", prefix + ".tv_series", prefix + ".person");
    }

    @ParameterizedTest
    @ValueSource(strings = {"at-least-once", "exactly-once"})
    void everyLineWrittenInPlaceIsOnKafkaOnceAndNoFileIsMovedWithUnreadLines(String guarantee) throws Exception {
        Path data = dir.resolve("data");
        for (String folder : List.of("movie/new", "movie/change", "movie/old", "tv_series/new", "tv_series/old",
                "person/new")) {
            Files.createDirectories(data.resolve(folder));
        }
        ManagementEndpoint management = new ManagementEndpoint();
        List<String> args = new ArrayList<>(List.of("--kafka.bootstrap-servers=" + TestBroker.bootstrapServers(),
                "--ingestion.data-dir=" + data, "--ingestion.mode=watch",
                "--ingestion.file.quiet-period-ms=" + QUIET_MS, "--ingestion.pace.records-per-second=200",
                "--ingestion.management.port=" + management.port(),
                "--ingestion.delivery.guarantee=" + guarantee, "--ingestion.exactly-once.transactional-id=" + prefix,
                "--ingestion.checkpoint.topic=" + prefix + ".checkpoints",
                "--ingestion.dead-letter.topic=" + prefix + ".dlq", "--ingestion.status.topic=" + prefix + ".status"));
        for (String type : List.of("movie", "tv_series", "person")) {
            args.add("--ingestion.type." + type + ".topic=" + prefix + "." + type);
        }
        Map<Long, String> written = new TreeMap<>();
        try (ApplicationProcess application = ApplicationProcess.start(dir.resolve("app.log"), Map.of(),
                args.toArray(String[]::new))) {
            // the writers' pauses are timed against the quiet period: they start once the folders are listed
            application.awaitLog(Pattern.compile("Listing the folders"), Duration.ofSeconds(60));
            Map<String, Process> processes = new HashMap<>();
            for (Writer writer : writers()) {
                InPlaceWriter.ids(writer.steps()).forEach(id -> written.put(id, writer.file()));
                processes.put(writer.file(), InPlaceWriter.start(data.resolve(writer.file()), writer.type(),
                        writer.hold(), writer.steps(), dir.resolve(writer.file().replace('/', '-') + ".log")));
            }

            // first, while the paced records of the acked file's first lines are still being sent
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
                String metrics = management.metrics();
                return ManagementEndpoint.count(metrics, "ingestion_records_read_total", "type=\"person\"",
                        "label=\"new\"") == ACKED_FIRST;
            });
            double publishedWhenAppended = ManagementEndpoint.count(management.metrics(),
                    "ingestion_records_published_total", "type=\"person\"", "label=\"new\"");
            try (OutputStream go = processes.get("person/new/acked.jsonl").getOutputStream()) {
                go.write("go\n".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(publishedWhenAppended).as("the file's last records were still being acknowledged")
                    .isLessThan(ACKED_FIRST);

            Process log = processes.get("tv_series/old/log.jsonl");
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                assertThat(sources(TopicReader.readToEnd(TestBroker.bootstrapServers(), topics())))
                        .as("the log's records arrive while it is written").contains("tv_series/old/log.jsonl");
                assertThat(value(management.metrics(), "ingestion_files_reading", "type=\"tv_series\"",
                        "label=\"old\"")).isEqualTo(1.0);
            });
            assertThat(log.isAlive()).as("the log's writer still writes").isTrue();
            assertThat(events(prefix + ".status").get("tv_series/old/log.jsonl"))
                    .as("a file being written is still being read").containsExactly("discovered", "started");

            for (Map.Entry<String, Process> writer : processes.entrySet()) {
                assertThat(writer.getValue().waitFor(60, TimeUnit.SECONDS)).as(writer.getKey()).isTrue();
                assertThat(writer.getValue().exitValue()).as(writer.getKey()).isZero();
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                    assertThat(filesOutsideDone(data)).as("files not yet settled").isEmpty());

            List<ConsumerRecord<String, byte[]>> records = TopicReader.readToEnd(TestBroker.bootstrapServers(),
                    topics());
            Map<Long, Long> copies = new TreeMap<>();
            for (ConsumerRecord<String, byte[]> record : records) {
                JsonNode value = JSON.readTree(record.value());
                String type = value.get("data_type").asText();
                long id = value.get(type + "_id").asLong();
                copies.merge(id, 1L, Long::sum);
                assertThat(value.get(type + "_detail").get("title").asText()).isEqualTo("written in place " + id);
                assertThat(record.key()).isEqualTo(Long.toString(id));
            }
            Map<String, List<Long>> missing = written.entrySet().stream().filter(id -> !copies.containsKey(id.getKey()))
                    .collect(Collectors.groupingBy(Map.Entry::getValue, TreeMap::new,
                            Collectors.mapping(Map.Entry::getKey, Collectors.toList())));
            assertThat(missing).as("lines written and not on Kafka, by file; log:\n" + application.output()).isEmpty();
            assertThat(copies.keySet()).as("only lines written are on Kafka").isEqualTo(written.keySet());
            assertThat(copies.values()).as("each exactly once").containsOnly(1L);
            assertThat(TopicReader.readToEnd(TestBroker.bootstrapServers(), List.of(prefix + ".dlq")))
                    .as("no half line was published as a record of its own").isEmpty();
            assertThat(idsInFiles(data)).as("the lines in the files, wherever they are now")
                    .isEqualTo(written.keySet());

            String output = application.output();
            assertThat(output).as("bursts after pauses longer than the quiet period, writer holding the file")
                    .contains("movie/new/bursts.jsonl grew after it was moved to movie/new/.done/bursts.jsonl");
            try (Stream<Path> reopened = Files.list(data.resolve("movie/change/.done"))) {
                assertThat(reopened.count()).as("a writer that reopens by name writes a new file after the move")
                        .isEqualTo(2);
            }
            assertThat(count(output, "Done movie/old/just-under.jsonl:")).as("pauses just under the quiet period")
                    .isEqualTo(1);
            assertThat(output).doesNotContain("Done movie/old/just-under.jsonl again")
                    .contains("Done person/new/acked.jsonl: " + (ACKED_FIRST + 50) + " lines");

            application.terminate();
            assertThat(application.awaitExit(Duration.ofSeconds(60))).as("stopped by SIGTERM: 128 + 15").isEqualTo(143);
        }
    }

    private static Set<String> sources(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(record -> TopicReader.header(record, "source_file")).collect(Collectors.toSet());
    }

    private static Map<String, List<String>> events(String topic) throws IOException {
        Map<String, List<String>> events = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : TopicReader.readToEnd(TestBroker.bootstrapServers(),
                List.of(topic))) {
            events.computeIfAbsent(record.key(), key -> new ArrayList<>())
                    .add(JSON.readTree(record.value()).get("event").asText());
        }
        return events;
    }

    private static List<Path> filesOutsideDone(Path data) throws IOException {
        try (Stream<Path> files = Files.walk(data)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> !file.getParent().getFileName().toString().equals(".done")).toList();
        }
    }

    private static Set<Long> idsInFiles(Path data) throws IOException {
        Pattern id = Pattern.compile("_id\": ([0-9]+)");
        try (Stream<Path> files = Files.walk(data)) {
            List<Path> all = files.filter(file -> file.toString().endsWith(".jsonl")).toList();
            Set<Long> ids = new java.util.TreeSet<>();
            for (Path file : all) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    Matcher matcher = id.matcher(line);
                    assertThat(matcher.find()).as("a whole line in %s", file).isTrue();
                    ids.add(Long.parseLong(matcher.group(1)));
                }
            }
            return ids;
        }
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
