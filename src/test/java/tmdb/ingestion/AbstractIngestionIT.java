package tmdb.ingestion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.datagen.TmdbDataGenerator;
import tmdb.ingestion.support.ApplicationProcess;
import tmdb.ingestion.support.TopicReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;
import static tmdb.ingestion.support.TopicReader.header;

/**
 * The application end to end against a real broker, read back as the platform reads it. Subclasses say which
 * broker: the embedded KRaft broker here, a Testcontainers Kafka where Docker is available.
 */
abstract class AbstractIngestionIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> TYPES = TmdbDataGenerator.TYPES;

    @TempDir
    Path dataDir;

    private final String topicPrefix = "it-" + UUID.randomUUID().toString().substring(0, 8);

    protected abstract String bootstrapServers();

    private String topic(String type) {
        return topicPrefix + "." + type;
    }

    private List<String> args(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--kafka.bootstrap-servers=" + bootstrapServers(),
                "--ingestion.data-dir=" + dataDir,
                "--ingestion.mode=once",
                "--ingestion.management.port=0",
                "--ingestion.checkpoint.topic=" + topicPrefix + ".checkpoints",
                "--ingestion.progress.interval-ms=1000",
                "--ingestion.file.quiet-period-ms=0"));
        for (String type : TYPES) {
            args.add("--ingestion.type." + type + ".topic=" + topic(type));
        }
        args.addAll(Arrays.asList(extra));
        return args;
    }

    /** Every line of every data file, by "source file:line", as the application names them. */
    private Map<String, byte[]> originalLines() throws IOException {
        Map<String, byte[]> lines = new HashMap<>();
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                String name = dataDir.relativize(file).toString();
                List<String> content = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < content.size(); i++) {
                    lines.put(name + ":" + (i + 1), content.get(i).getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        return lines;
    }

    @Test
    void aOnceRunDeliversEveryValidLineExactlyOnceKeyedEnrichedAndMixed() throws Exception {
        TmdbDataGenerator.Manifest manifest = new TmdbDataGenerator(11).generate(dataDir, TYPES, 3000, 400);
        Path withBadLines = dataDir.resolve("movie/old/part-00001.jsonl");
        Files.writeString(withBadLines, "\n{\"movie_id\": 99, \"movie_detail\": {\"title\": \"trunc\n"
                + "{\"movie_id\": 98.5}\n", StandardOpenOption.APPEND);
        Map<String, byte[]> originals = originalLines();
        long valid = manifest.totalRecords();

        int status = IngestionApplication.run(args().toArray(String[]::new));

        assertThat(status).isZero();
        List<ConsumerRecord<String, byte[]>> records = TopicReader.read(bootstrapServers(),
                TYPES.stream().map(this::topic).toList(), (int) valid, Duration.ofSeconds(60));
        assertThat(records).hasSize((int) valid);

        Set<String> sources = new HashSet<>();
        Map<String, Instant> oldTimestamps = new HashMap<>();
        Map<String, Instant> changeTimestamps = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            String type = header(record, "data_type");
            String label = header(record, "data_label");
            String source = header(record, "source_file") + ":" + header(record, "source_line");
            assertThat(sources.add(source)).as("%s delivered once", source).isTrue();
            assertThat(record.topic()).isEqualTo(topic(type));
            assertThat(header(record, "source_file")).startsWith(type + "/" + label + "/");

            ObjectNode value = (ObjectNode) MAPPER.readTree(record.value());
            assertThat(record.key()).isEqualTo(value.get(type + "_id").asText());
            assertThat(value.get("data_type").asText()).isEqualTo(type);
            assertThat(value.get("data_label").asText()).isEqualTo(label);
            Instant timestamp = Instant.parse(value.get("timestamp").asText());

            byte[] original = originals.get(source);
            assertThat(original).as("original line of %s", source).isNotNull();
            int close = new String(original, StandardCharsets.UTF_8).lastIndexOf('}');
            assertThat(Arrays.copyOf(record.value(), close))
                    .as("original bytes of %s kept", source).isEqualTo(Arrays.copyOf(original, close));
            JsonNode expected = ((ObjectNode) MAPPER.readTree(original)).put("data_type", type)
                    .put("data_label", label).put("timestamp", value.get("timestamp").asText());
            assertThat(value).isEqualTo(expected);

            if (label.equals("old")) {
                oldTimestamps.put(type + record.key(), timestamp);
            } else if (label.equals("change")) {
                changeTimestamps.merge(type + record.key(), timestamp, (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        assertThat(changeTimestamps).isNotEmpty();
        changeTimestamps.forEach((id, change) ->
                assertThat(change).as("change of %s after its old version", id).isAfter(oldTimestamps.get(id)));

        assertInterleaved(records);
        try (Stream<Path> left = Files.walk(dataDir)) {
            assertThat(left.filter(p -> p.toString().endsWith(".jsonl"))
                    .filter(p -> !p.getParent().getFileName().toString().equals(".done")).toList())
                    .as("every file moved to .done").isEmpty();
        }
    }

    /** Records of all types and labels are mixed: in ingest order, the stream changes often. */
    private static void assertInterleaved(List<ConsumerRecord<String, byte[]>> records) {
        List<ConsumerRecord<String, byte[]>> byIngestTime = new ArrayList<>(records);
        byIngestTime.sort(Comparator.comparing(record -> header(record, "ingest_time")));
        int typeSwitches = 0;
        int labelSwitches = 0;
        for (int i = 1; i < byIngestTime.size(); i++) {
            ConsumerRecord<String, byte[]> previous = byIngestTime.get(i - 1);
            ConsumerRecord<String, byte[]> current = byIngestTime.get(i);
            typeSwitches += header(previous, "data_type").equals(header(current, "data_type")) ? 0 : 1;
            labelSwitches += header(previous, "data_label").equals(header(current, "data_label")) ? 0 : 1;
        }
        assertThat(typeSwitches).as("type changes in ingest order").isGreaterThan(records.size() / 10);
        assertThat(labelSwitches).as("label changes in ingest order").isGreaterThan(records.size() / 10);
    }

    @Test
    void fileStatusEventsTellWhenEachFileIsFullyDeliveredOrWhyItFailed() throws Exception {
        TmdbDataGenerator.Manifest manifest = new TmdbDataGenerator(19).generate(dataDir, List.of("movie"), 30, 100);
        Files.writeString(dataDir.resolve("movie/new/utf16.jsonl"), "\uFEFF{\"movie_id\": 1}\n",
                StandardCharsets.UTF_16LE);
        String statusTopic = topicPrefix + ".status";

        int status = IngestionApplication.run(args("--ingestion.status.topic=" + statusTopic).toArray(String[]::new));

        assertThat(status).as("a file failed").isEqualTo(1);
        Map<String, List<JsonNode>> events = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : TopicReader.read(bootstrapServers(), List.of(statusTopic), 11,
                Duration.ofSeconds(30))) {
            events.computeIfAbsent(record.key(), key -> new ArrayList<>()).add(MAPPER.readTree(record.value()));
        }
        assertThat(events.keySet()).containsExactlyInAnyOrder("movie/old/part-00001.jsonl",
                "movie/change/part-00001.jsonl", "movie/new/part-00001.jsonl", "movie/new/utf16.jsonl");
        long oldRecords = manifest.records().get("movie/old");
        assertThat(events.get("movie/old/part-00001.jsonl")).extracting(event -> event.get("event").asText())
                .containsExactly("discovered", "started", "completed");
        JsonNode completed = events.get("movie/old/part-00001.jsonl").get(2);
        assertThat(completed.get("lines").asLong()).isEqualTo(oldRecords);
        assertThat(completed.get("published").asLong()).isEqualTo(oldRecords);
        assertThat(completed.get("dead_lettered").asLong()).isZero();
        List<JsonNode> failed = events.get("movie/new/utf16.jsonl");
        assertThat(failed).extracting(event -> event.get("event").asText()).containsExactly("discovered", "failed");
        assertThat(failed.get(1).get("reason").asText()).contains("UTF-16");
    }

    @Test
    void aPacedRunReleasesRecordsAtTheConfiguredRate() throws Exception {
        TmdbDataGenerator.Manifest manifest = new TmdbDataGenerator(13).generate(dataDir, TYPES, 900, 1000);
        int rate = 400;

        int status = IngestionApplication.run(args("--ingestion.pace.records-per-second=" + rate)
                .toArray(String[]::new));

        assertThat(status).isZero();
        List<ConsumerRecord<String, byte[]>> records = TopicReader.read(bootstrapServers(),
                TYPES.stream().map(this::topic).toList(), (int) manifest.totalRecords(), Duration.ofSeconds(60));
        assertThat(records).hasSize((int) manifest.totalRecords());
        List<Instant> ingested = records.stream().map(record -> Instant.parse(header(record, "ingest_time")))
                .sorted().toList();
        double seconds = Duration.between(ingested.get(0), ingested.get(ingested.size() - 1)).toMillis() / 1000.0;
        assertThat((ingested.size() - 1) / seconds).as("records per second").isCloseTo(rate, withinPercentage(10));
    }

    @Test
    void aFourthTypeTakesPropertiesOnly() throws Exception {
        new TmdbDataGenerator(5).generate(dataDir, List.of("collection"), 60, 100);
        String collectionTopic = topicPrefix + ".collections";
        List<String> args = args("--ingestion.type.collection.topic=" + collectionTopic);
        for (String label : TmdbDataGenerator.LABELS) {
            String route = "--camel.route-template[collection-" + label + "].";
            args.add(route + "template-id=jsonl-folder");
            args.add(route + "type=collection");
            args.add(route + "label=" + label);
            args.add(route + "folder=" + dataDir.resolve("collection").resolve(label));
        }

        int status = IngestionApplication.run(args.toArray(String[]::new));

        assertThat(status).isZero();
        List<ConsumerRecord<String, byte[]>> records =
                TopicReader.read(bootstrapServers(), List.of(collectionTopic), 60, Duration.ofSeconds(30));
        assertThat(records).hasSize(60);
        for (ConsumerRecord<String, byte[]> record : records) {
            JsonNode value = MAPPER.readTree(record.value());
            assertThat(record.key()).isEqualTo(value.get("collection_id").asText());
            assertThat(value.get("data_type").asText()).isEqualTo("collection");
        }
    }

    @Test
    void aFileRenamedIntoAWatchedFolderIsOnKafkaWithinTwoSecondsAndMovedToDone() throws Exception {
        Path staging = Files.createDirectories(dataDir.resolve("staging"));
        new TmdbDataGenerator(3).generate(staging, List.of("movie"), 5, 100);
        Files.createDirectories(dataDir.resolve("movie/new"));
        Path log = dataDir.resolve("watch.log");
        List<String> args = args("--ingestion.mode=watch");
        try (ApplicationProcess application = ApplicationProcess.start(log, Map.of(), args.toArray(String[]::new))) {
            application.awaitLog(Pattern.compile("Listing the folders"), Duration.ofSeconds(60));
            Path sample = staging.resolve("movie/new/part-00001.jsonl");
            List<Path> ignored = List.of(dataDir.resolve("movie/new/.hidden.jsonl"),
                    dataDir.resolve("movie/new/writing.jsonl.tmp"), dataDir.resolve("movie/new/notes.txt"));
            for (Path path : ignored) {
                Files.copy(sample, path);
            }
            Path temporary = dataDir.resolve("movie/new/drop.jsonl.part");
            Files.copy(staging.resolve("movie/new/part-00001.jsonl"), temporary);
            long expected = Files.readAllLines(temporary).size();

            long renamed = System.nanoTime();
            Files.move(temporary, dataDir.resolve("movie/new/drop.jsonl"));
            long arrived = TopicReader.awaitCount(bootstrapServers(), topic("movie"), (int) expected,
                    Duration.ofSeconds(10));
            Duration latency = Duration.ofNanos(arrived - renamed);
            List<ConsumerRecord<String, byte[]>> records = TopicReader.read(bootstrapServers(),
                    List.of(topic("movie")), (int) expected, Duration.ofSeconds(10));

            assertThat(records).hasSize((int) expected);
            assertThat(records).allSatisfy(record ->
                    assertThat(header(record, "source_file")).isEqualTo("movie/new/drop.jsonl"));
            assertThat(latency).as("from rename to readable on Kafka").isLessThan(Duration.ofSeconds(2));
            application.awaitLog(Pattern.compile("Done movie/new/drop.jsonl"), Duration.ofSeconds(10));
            assertThat(dataDir.resolve("movie/new/.done/drop.jsonl")).exists();
            assertThat(ignored).allSatisfy(path -> assertThat(path).exists());
            assertThat(application.output()).doesNotContain("hidden").doesNotContain("writing").doesNotContain("notes");

            application.terminate();
            assertThat(application.awaitExit(Duration.ofSeconds(60))).as("stopped by SIGTERM: 128 + 15")
                    .isEqualTo(143);
            assertThat(application.output()).contains("Ingestion summary").contains("files             1 done");
        }
    }
}
