package tmdb.ingestion;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.datagen.TmdbDataGenerator;
import tmdb.ingestion.deadletter.DeadLetterExport;
import tmdb.ingestion.support.ApplicationProcess;
import tmdb.ingestion.support.TestBroker;
import tmdb.ingestion.support.TopicReader;

import static org.assertj.core.api.Assertions.assertThat;
import static tmdb.ingestion.support.TopicReader.header;

/** Files carrying the traces of crawl failures: every line is published or dead-lettered, none lost. */
class BadInputIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private final String prefix = "bad-" + System.nanoTime();
    private final String movies = prefix + ".movies";
    private final String people = prefix + ".people";
    private final String deadLetters = prefix + ".dlq";

    private Path data() {
        return dir.resolve("data");
    }

    private List<String> args(String... extra) {
        List<String> args = new ArrayList<>(List.of("--kafka.bootstrap-servers=" + TestBroker.bootstrapServers(),
                "--ingestion.data-dir=" + data(), "--ingestion.mode=once", "--ingestion.file.quiet-period-ms=0",
                "--ingestion.type.movie.topic=" + movies, "--ingestion.type.person.topic=" + people,
                "--ingestion.type.tv_series.topic=" + prefix + ".tv", "--ingestion.dead-letter.topic=" + deadLetters));
        args.addAll(Arrays.asList(extra));
        return args;
    }

    /** The export as its command line makes it, with this test's cluster and topic. */
    private DeadLetterExport export(Path out) {
        return DeadLetterExport.configured(Map.of("out", out.toString(), "group", prefix + "-export",
                "kafka.bootstrap-servers", TestBroker.bootstrapServers(), "ingestion.dead-letter.topic", deadLetters));
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof String text) {
                out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
            } else if (part instanceof byte[] raw) {
                out.writeBytes(raw);
            } else {
                out.write((Integer) part);
            }
        }
        return out.toByteArray();
    }

    /** The mixed file's lines, by line number, as they are in the file (without line endings and BOM). */
    private final Map<Integer, byte[]> lines = new HashMap<>();
    private final Map<Integer, String> reasons = new HashMap<>();

    private void line(ByteArrayOutputStream file, int number, byte[] content, String reason, String ending) {
        lines.put(number, content);
        if (reason != null) {
            reasons.put(number, reason);
        }
        file.writeBytes(content);
        file.writeBytes(ending.getBytes(StandardCharsets.US_ASCII));
    }

    private Path writeMixedFile() throws Exception {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        line(file, 1, bytes("{\"movie_id\": 1, \"movie_detail\": {\"title\": \"Người Mẹ\"}}"), null, "\r\n");
        line(file, 2, bytes("{\"movie_id\": 2, \"movie_detail\": {\"title\": \"千と千尋\"}}"), null, "\r\n");
        line(file, 3, bytes(""), null, "\n");
        line(file, 4, bytes("   \t"), null, "\n");
        line(file, 5, bytes("{\"movie_id\": 3, \"movie_detail\": {\"title\": \"Trunc"), "malformed_json", "\n");
        line(file, 6, bytes("<html>502 Bad Gateway</html>"), "malformed_json", "\n");
        line(file, 7, bytes("{\"movie_id\": 4, \"movie_detail\": {\"title\": \"", new byte[] {(byte) 0xC3, 0x28}, "\"}}"),
                "malformed_json", "\n");
        line(file, 8, bytes("{\"movie_id\": 5, \"movie_detail\": {\"title\": \"a", 1, "b\"}}"), "malformed_json", "\n");
        line(file, 9, bytes("[1, 2, 3]"), "not_an_object", "\n");
        line(file, 10, bytes("{\"movie_detail\": {\"title\": \"no id\"}}"), "id_missing", "\n");
        line(file, 11, bytes("{\"movie_id\": 603.5, \"movie_detail\": {}}"), "id_not_integer", "\n");
        line(file, 12, bytes("{\"movie_id\": \"604\", \"movie_detail\": {\"title\": \"string id\"}}"), null, "\n");
        line(file, 13, bytes("{\"movie_id\": 6, \"movie_detail\": null}"), "detail_null", "\n");
        line(file, 14, bytes("{\"movie_id\": 7, \"movie_detail\": {\"success\": false, \"status_code\": 34, "
                + "\"status_message\": \"The resource you requested could not be found.\"}}"), "detail_error", "\n");
        line(file, 15, bytes("{\"movie_id\": 8, \"movie_detail\": {\"overview\": \"" + "x".repeat(10_000) + "\"}}"),
                "line_too_long", "\n");
        line(file, 16, bytes("{\"movie_id\": 9, \"movie_detail\": {\"title\": \"Сталкер\"}}"), null, "");
        Path movieOld = Files.createDirectories(data().resolve("movie/old"));
        return Files.write(movieOld.resolve("mixed.jsonl"), file.toByteArray());
    }

    @Test
    void everyBadLineIsDeadLetteredWithItsReasonAndBytesWhileTheRestFlows() throws Exception {
        writeMixedFile();
        new TmdbDataGenerator(4).generate(dir.resolve("gen"), List.of("person"), 15, 100);
        Files.createDirectories(data().resolve("person/new"));
        Files.copy(dir.resolve("gen/person/new/part-00001.jsonl"), data().resolve("person/new/good.jsonl"));
        long goodPeople = Files.readAllLines(data().resolve("person/new/good.jsonl")).size();
        Files.createDirectories(data().resolve("tv_series/new"));
        Files.writeString(data().resolve("tv_series/new/utf16.jsonl"), "\uFEFF{\"tv_series_id\": 1}\n",
                StandardCharsets.UTF_16LE);
        Path secrets = Files.writeString(dir.resolve("secrets.txt"), "password=hunter2\napi_key=abc123\n");
        Files.createSymbolicLink(data().resolve("person/new/secrets.jsonl"), secrets);

        String output;
        try (ApplicationProcess application = ApplicationProcess.start(dir.resolve("app.log"), Map.of(),
                args("--ingestion.max-line-bytes=4096").toArray(String[]::new))) {
            assertThat(application.awaitExit(Duration.ofSeconds(120))).as("a file failed").isEqualTo(1);
            output = application.output();
        }

        List<ConsumerRecord<String, byte[]>> published = TopicReader.read(TestBroker.bootstrapServers(),
                List.of(movies), 4, Duration.ofSeconds(30));
        assertThat(published).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("1", "2", "604", "9");
        ConsumerRecord<String, byte[]> normalised = published.stream().filter(r -> r.key().equals("604")).findFirst()
                .orElseThrow();
        assertThat(MAPPER.readTree(normalised.value()).get("movie_id").isIntegralNumber()).isTrue();
        assertThat(TopicReader.read(TestBroker.bootstrapServers(), List.of(people), (int) goodPeople,
                Duration.ofSeconds(30))).hasSize((int) goodPeople);

        List<ConsumerRecord<String, byte[]>> dead = TopicReader.read(TestBroker.bootstrapServers(),
                List.of(deadLetters), reasons.size(), Duration.ofSeconds(30));
        assertThat(dead).hasSize(reasons.size());
        Map<Integer, ConsumerRecord<String, byte[]>> byLine = dead.stream().collect(Collectors.toMap(
                record -> Integer.parseInt(header(record, "source_line")), record -> record));
        assertThat(byLine.keySet()).isEqualTo(reasons.keySet());
        for (Map.Entry<Integer, String> expected : reasons.entrySet()) {
            ConsumerRecord<String, byte[]> record = byLine.get(expected.getKey());
            assertThat(header(record, "dead_letter_reason")).as("reason of line %d", expected.getKey())
                    .isEqualTo(expected.getValue());
            assertThat(header(record, "dead_letter_message")).isNotBlank();
            assertThat(header(record, "source_file")).isEqualTo("movie/old/mixed.jsonl");
            assertThat(header(record, "data_type")).isEqualTo("movie");
            assertThat(header(record, "data_label")).isEqualTo("old");
            assertThat(header(record, "run_id")).isNotBlank();
            assertThat(header(record, "ingest_time")).isNotBlank();
            byte[] original = lines.get(expected.getKey());
            assertThat(header(record, "original_length")).isEqualTo(Integer.toString(original.length));
            if (expected.getValue().equals("line_too_long")) {
                assertThat(header(record, "truncated")).isEqualTo("true");
                assertThat(record.value()).isEqualTo(Arrays.copyOf(original, 4096));
            } else {
                assertThat(header(record, "truncated")).isEqualTo("false");
                assertThat(record.value()).as("bytes of line %d", expected.getKey()).isEqualTo(original);
            }
        }
        assertThat(byLine.get(13).key()).isEqualTo("6");
        assertThat(byLine.get(14).key()).isEqualTo("7");
        assertThat(byLine.get(7).key()).isNull();
        assertThat(byLine.get(9).key()).isNull();

        assertThat(output)
                .contains("Done movie/old/mixed.jsonl: 16 lines: 4 published, 10 dead-lettered, 2 blank skipped")
                .contains("Reading tv_series/new/utf16.jsonl failed after line 0: not JSON lines: it is UTF-16")
                .contains("lines read        " + (16 + goodPeople) + " = " + (4 + goodPeople)
                        + " published + 10 dead-lettered + 2 blank skipped + 0 not delivered\n")
                .contains("dead-lettered     10, to " + deadLetters)
                .contains("malformed_json               4");
        assertThat(output).contains("Skipped person/new/secrets.jsonl: it is a symbolic link, and links are not "
                + "followed (ingestion.file.symlinks=skip). Nothing of it was read");
        assertThat(TopicReader.readToEnd(TestBroker.bootstrapServers(), List.of(deadLetters)))
                .as("nothing of the file a link points to").extracting(record -> header(record, "source_file"))
                .doesNotContain("person/new/secrets.jsonl");
        assertThat(Files.isSymbolicLink(data().resolve("person/new/secrets.jsonl"))).as("left in place").isTrue();
        assertThat(data().resolve("tv_series/new/.error/utf16.jsonl")).exists();
        assertThat(data().resolve("movie/old/.done/mixed.jsonl")).exists();
        assertThat(data().resolve("person/new/.done/good.jsonl")).exists();

        Path exported = dir.resolve("export");
        DeadLetterExport.Result export = export(exported).export();
        Path replay = exported.resolve("movie/old").toFile().listFiles()[0].toPath();
        assertThat(export.files()).containsEntry(replay, 9L);
        assertThat(export.truncated()).isEqualTo(1);
        assertThat(Files.readString(export.truncatedReport())).contains("movie/old/mixed.jsonl\t15\tline_too_long\t");
        List<byte[]> exportedLines = splitLines(Files.readAllBytes(replay));
        List<byte[]> expectedLines = reasons.keySet().stream().filter(n -> n != 15).map(lines::get).toList();
        assertThat(exportedLines).usingElementComparator(Arrays::compare)
                .containsExactlyInAnyOrderElementsOf(expectedLines);
        assertThat(export(exported).export().files()).as("a second export finds nothing new").isEmpty();

        String fixed = Files.readString(replay, StandardCharsets.ISO_8859_1).replace("603.5", "603");
        Files.writeString(data().resolve("movie/old/replayed.jsonl.part"), fixed, StandardCharsets.ISO_8859_1);
        Files.move(data().resolve("movie/old/replayed.jsonl.part"), data().resolve("movie/old/replayed.jsonl"));
        try (ApplicationProcess application = ApplicationProcess.start(dir.resolve("replay.log"), Map.of(),
                args().toArray(String[]::new))) {
            assertThat(application.awaitExit(Duration.ofSeconds(120))).as(application.output()).isZero();
            assertThat(application.output()).contains("Done movie/old/replayed.jsonl: 9 lines: 1 published, "
                    + "8 dead-lettered");
        }
        assertThat(TopicReader.read(TestBroker.bootstrapServers(), List.of(movies), 5, Duration.ofSeconds(30)))
                .extracting(ConsumerRecord::key).contains("603");
    }

    private static List<byte[]> splitLines(byte[] content) {
        List<byte[]> result = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\n') {
                result.add(Arrays.copyOfRange(content, start, i));
                start = i + 1;
            }
        }
        return result;
    }

    @Test
    void aTwoMegabyteRecordIsPublishedAndOneTheBrokerRefusesIsDeadLettered() throws Exception {
        Path folder = Files.createDirectories(data().resolve("movie/new"));
        StringBuilder images = new StringBuilder();
        for (int i = 0; images.length() < 2_000_000; i++) {
            images.append(i == 0 ? "" : ",").append("{\"aspect_ratio\": 1.778, \"height\": 1080, \"width\": 1920, "
                    + "\"file_path\": \"/img").append(i).append(".jpg\", \"vote_average\": 5.2, \"vote_count\": 3}");
        }
        String large = "{\"movie_id\": 11, \"movie_detail\": {\"title\": \"Large\", \"images\": {\"backdrops\": ["
                + images + "]}}}";
        byte[] noise = new byte[3_000_000];
        new Random(1).nextBytes(noise);
        String incompressible = "{\"movie_id\": 12, \"movie_detail\": {\"blob\": \""
                + java.util.Base64.getEncoder().encodeToString(noise) + "\"}}";
        Files.writeString(folder.resolve("large.jsonl"), large + "\n" + incompressible + "\n");

        try (ApplicationProcess application = ApplicationProcess.start(dir.resolve("app.log"), Map.of(),
                args().toArray(String[]::new))) {
            assertThat(application.awaitExit(Duration.ofSeconds(120))).as(application.output()).isZero();
            assertThat(application.output()).contains("Done movie/new/large.jsonl: 2 lines: 1 published, "
                    + "1 dead-lettered");
        }
        List<ConsumerRecord<String, byte[]>> published = TopicReader.read(TestBroker.bootstrapServers(),
                List.of(movies), 1, Duration.ofSeconds(30));
        assertThat(published).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("11");
            assertThat(record.value().length).isGreaterThan(2_000_000);
        });
        ConsumerRecord<String, byte[]> dead = TopicReader.read(TestBroker.bootstrapServers(), List.of(deadLetters), 1,
                Duration.ofSeconds(30)).get(0);
        assertThat(header(dead, "dead_letter_reason")).isEqualTo("record_too_large");
        assertThat(dead.key()).isEqualTo("12");
        assertThat(header(dead, "truncated")).isEqualTo("true");
        assertThat(header(dead, "original_length")).isEqualTo(Integer.toString(incompressible.length()));
    }
}
