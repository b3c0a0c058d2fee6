package tmdb.ingestion;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.support.ApplicationProcess;
import tmdb.ingestion.support.TestBroker;
import tmdb.ingestion.support.TopicReader;

import static org.assertj.core.api.Assertions.assertThat;
import static tmdb.ingestion.support.TopicReader.header;

/** A 1 GiB line without a newline in sight cannot take a 256 MB JVM down: it is dead-lettered, the rest flows. */
class HugeLineIT {

    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    @Test
    void aOneGibLineIsDeadLetteredUnder256MbOfHeapAndTheGoodLinesAfterItArrive() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("data/movie/old"));
        byte[] start = "{\"movie_id\": 1, \"movie_detail\": {\"overview\": \"".getBytes(StandardCharsets.UTF_8);
        byte[] chunk = new byte[1 << 20];
        Arrays.fill(chunk, (byte) 'x');
        try (OutputStream out = Files.newOutputStream(folder.resolve("huge.jsonl"))) {
            out.write(start);
            for (long written = start.length; written < GIB; written += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, GIB - written));
            }
            out.write("\"}}\n".getBytes(StandardCharsets.UTF_8));
            for (int id = 2; id <= 4; id++) {
                out.write(("{\"movie_id\": " + id + ", \"movie_detail\": {\"title\": \"after\"}}\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
        String prefix = "huge-" + System.nanoTime();

        try (ApplicationProcess application = ApplicationProcess.start(dir.resolve("app.log"), Map.of(),
                List.of("-Xmx256m"), "--kafka.bootstrap-servers=" + TestBroker.bootstrapServers(),
                "--ingestion.data-dir=" + dir.resolve("data"), "--ingestion.mode=once",
                "--ingestion.file.quiet-period-ms=0", "--ingestion.type.movie.topic=" + prefix + ".movies",
                "--ingestion.dead-letter.topic=" + prefix + ".dlq")) {
            assertThat(application.awaitExit(Duration.ofMinutes(3))).as(application.output()).isZero();
            assertThat(application.output()).doesNotContain("OutOfMemoryError")
                    .contains("Done movie/old/huge.jsonl: 4 lines: 3 published, 1 dead-lettered");
        }
        assertThat(TopicReader.read(TestBroker.bootstrapServers(), List.of(prefix + ".movies"), 3,
                Duration.ofSeconds(30))).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("2", "3", "4");
        ConsumerRecord<String, byte[]> dead = TopicReader.read(TestBroker.bootstrapServers(),
                List.of(prefix + ".dlq"), 1, Duration.ofSeconds(30)).get(0);
        assertThat(header(dead, "dead_letter_reason")).isEqualTo("line_too_long");
        assertThat(header(dead, "original_length")).isEqualTo(Long.toString(GIB + 3));
        assertThat(new String(dead.value(), 0, start.length, StandardCharsets.UTF_8))
                .isEqualTo(new String(start, StandardCharsets.UTF_8));
    }

    @Test
    void nineFoldersOfTwelveMegabyteRecordsReadAtOnceRunUnder256MbOfHeap() throws Exception {
        int recordBytes = 12 << 20;
        int perFile = 3;
        byte[] overview = "the long overview of a popular title ".repeat(recordBytes / 37).getBytes(StandardCharsets.UTF_8);
        List<String> folders = new ArrayList<>();
        for (String type : List.of("movie", "tv_series", "person")) {
            for (String label : List.of("new", "change", "old")) {
                folders.add(type + "/" + label);
                Path folder = Files.createDirectories(dir.resolve("data").resolve(type).resolve(label));
                try (OutputStream out = Files.newOutputStream(folder.resolve("large.jsonl"))) {
                    for (int i = 1; i <= perFile; i++) {
                        out.write(("{\"" + type + "_id\": " + i + ", \"" + type + "_detail\": {\"overview\": \"")
                                .getBytes(StandardCharsets.UTF_8));
                        out.write(overview);
                        out.write("\"}}\n".getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        }
        String prefix = "large-" + System.nanoTime();

        long peakRssKb = 0;
        try (ApplicationProcess application = ApplicationProcess.start(dir.resolve("app.log"), Map.of(),
                List.of("-Xmx256m"), "--kafka.bootstrap-servers=" + TestBroker.bootstrapServers(),
                "--ingestion.data-dir=" + dir.resolve("data"), "--ingestion.mode=once",
                "--ingestion.file.quiet-period-ms=0", "--ingestion.type.movie.topic=" + prefix + ".movies",
                "--ingestion.type.tv_series.topic=" + prefix + ".tv", "--ingestion.type.person.topic=" + prefix + ".people",
                "--ingestion.dead-letter.topic=" + prefix + ".dlq", "--ingestion.checkpoint.topic=" + prefix + ".cp")) {
            Path status = Path.of("/proc/" + application.pid() + "/status");
            for (int sample = 0; sample < 1200; sample++) {
                peakRssKb = Math.max(peakRssKb, highWaterMarkKb(status));
                if (application.exitedWithin(Duration.ofMillis(200))) {
                    break;
                }
            }
            assertThat(application.awaitExit(Duration.ofMinutes(1))).as(application.output()).isZero();
            assertThat(application.output()).doesNotContain("OutOfMemoryError");
            for (String folder : folders) {
                assertThat(application.output()).contains("Done " + folder + "/large.jsonl: 3 lines: 3 published");
            }
        }
        System.out.printf("nine folders of three 12 MiB records under -Xmx256m: peak RSS %d MB%n", peakRssKb >> 10);
        assertThat(peakRssKb).as("peak RSS, KB: the 256 MB heap and some 224 MB of the JVM's own (code, metaspace, threads), not a copy of every line")
                .isPositive().isLessThan((256L + 224) << 10);
        assertThat(TopicReader.readToEnd(TestBroker.bootstrapServers(), List.of(prefix + ".movies", prefix + ".tv",
                prefix + ".people"))).hasSize(folders.size() * perFile);
    }

    private static long highWaterMarkKb(Path status) {
        try {
            return Files.readAllLines(status).stream().filter(line -> line.startsWith("VmHWM:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", ""))).findFirst().orElse(0);
        } catch (IOException gone) {
            return 0;
        }
    }
}
