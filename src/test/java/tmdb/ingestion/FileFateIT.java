package tmdb.ingestion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.support.ApplicationProcess;
import tmdb.ingestion.support.TestBroker;
import tmdb.ingestion.support.TopicReader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What becomes of a file whose name a collector reuses while it is read, and of a file that failed: the file moved
 * is always the one that was read, and a failed file keeps its checkpoint, so that moved back it sends nothing twice.
 */
class FileFateIT {

    @TempDir
    Path dir;

    private final String prefix = "fate-" + System.nanoTime();
    private final String movies = prefix + ".movies";
    private final String deadLetters = prefix + ".dlq";

    @Test
    void aFileReplacedUnderItsNameWhileReadIsNotMovedAndItsSuccessorIsReadAfterIt() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("data/movie/new"));
        try (ApplicationProcess application = start("watch", "--ingestion.pace.records-per-second=200")) {
            application.awaitLog(Pattern.compile("started in"), Duration.ofSeconds(60));
            renameInto(folder.resolve("p.jsonl"), lines(1, 600));
            TopicReader.awaitCount(TestBroker.bootstrapServers(), movies, 100, Duration.ofSeconds(30));
            assertThat(application.output()).as("the first file is still being read")
                    .doesNotContain("Done movie/new/p.jsonl");

            renameInto(folder.resolve("p.jsonl"), lines(10_001, 10_300));

            application.awaitLog(Pattern.compile(Pattern.quote("Done movie/new/p.jsonl: 600 lines: 600 published")
                    + ".*It was not moved: another file was put under its name"), Duration.ofSeconds(60));
            application.awaitLog(Pattern.compile(Pattern.quote("Done movie/new/p.jsonl: 300 lines: 300 published")
                    + ".*moved to movie/new/.done/p.jsonl"), Duration.ofSeconds(60));
            assertThat(Files.readAllLines(folder.resolve(".done/p.jsonl"))).as("the file moved is the one read")
                    .isEqualTo(lines(10_001, 10_300));
            assertThat(copiesById(TopicReader.readToEnd(TestBroker.bootstrapServers(), List.of(movies))))
                    .as("every line of both files once")
                    .isEqualTo(onceEach(LongStream.concat(LongStream.rangeClosed(1, 600),
                            LongStream.rangeClosed(10_001, 10_300)).boxed().toList()));
            application.terminate();
            assertThat(application.awaitExit(Duration.ofSeconds(60))).isEqualTo(143);
        }
    }

    @Test
    void aFailedFileKeepsItsCheckpointAndMovedBackSendsOnlyWhatWasNotDelivered() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("data/movie/new"));
        List<String> content = lines(1, 50);
        content.set(24, "{\"movie_id\": 25, \"movie_detail\": {\"title\": \"" + incompressible(64 * 1024) + "\"}}");
        Files.write(folder.resolve("f.jsonl"), content);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestBroker.bootstrapServers()))) {
            Map<String, String> small = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(16 * 1024));
            admin.createTopics(List.of(new NewTopic(movies, 1, (short) 1).configs(small),
                    new NewTopic(deadLetters, 1, (short) 1).configs(small))).all().get(30, TimeUnit.SECONDS);

            try (ApplicationProcess first = start("once")) {
                assertThat(first.awaitExit(Duration.ofSeconds(90))).as(first.output()).isEqualTo(1);
                assertThat(first.output()).contains("Failed movie/new/f.jsonl: 50 lines: 49 published")
                        .contains("moved to movie/new/.error/f.jsonl");
            }
            assertThat(copiesById(TopicReader.readToEnd(TestBroker.bootstrapServers(), List.of(movies))))
                    .isEqualTo(onceEach(LongStream.rangeClosed(1, 50).filter(id -> id != 25).boxed().toList()));

            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, movies),
                    List.of(new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                            Integer.toString(1 << 20)), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
            Files.move(folder.resolve(".error/f.jsonl"), folder.resolve("f.jsonl"));

            try (ApplicationProcess second = start("once")) {
                assertThat(second.awaitExit(Duration.ofSeconds(90))).as(second.output()).isZero();
                assertThat(second.output()).contains("Resuming movie/new/f.jsonl after line 24")
                        .contains("published         1 records")
                        .contains("25 skipped (delivered before it)");
            }
        }
        assertThat(copiesById(TopicReader.readToEnd(TestBroker.bootstrapServers(), List.of(movies))))
                .as("every line once, across the failure and the second run")
                .isEqualTo(onceEach(LongStream.rangeClosed(1, 50).boxed().toList()));
    }

    private ApplicationProcess start(String mode, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--kafka.bootstrap-servers=" + TestBroker.bootstrapServers(),
                "--ingestion.data-dir=" + dir.resolve("data"), "--ingestion.mode=" + mode,
                "--ingestion.file.quiet-period-ms=500", "--ingestion.type.movie.topic=" + movies,
                "--ingestion.dead-letter.topic=" + deadLetters, "--ingestion.checkpoint.topic=" + prefix + ".cp",
                "--ingestion.delivery.redelivery-delay-ms=10"));
        args.addAll(List.of(extra));
        return ApplicationProcess.start(dir.resolve(mode + "-" + System.nanoTime() + ".log"), Map.of(),
                args.toArray(String[]::new));
    }

    /** Written elsewhere, then renamed over the path at once: how collectors publish a complete file. */
    private void renameInto(Path target, List<String> lines) throws IOException {
        Path written = Files.write(dir.resolve("writing-" + System.nanoTime() + ".tmp"), lines);
        Files.move(written, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static List<String> lines(long firstId, long lastId) {
        List<String> lines = new ArrayList<>();
        for (long id = firstId; id <= lastId; id++) {
            lines.add("{\"movie_id\": " + id + ", \"movie_detail\": {\"title\": \"title " + id + "\"}}");
        }
        return lines;
    }

    /** Text snappy cannot shrink much, so that the record stays larger than its topic allows. */
    private static String incompressible(int length) {
        StringBuilder text = new StringBuilder(length);
        Random random = new Random(25);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    private static Map<Long, Integer> copiesById(List<ConsumerRecord<String, byte[]>> records) {
        Map<Long, Integer> copies = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).contains("\"movie_id\"");
            copies.merge(Long.parseLong(record.key()), 1, Integer::sum);
        }
        return copies;
    }

    private static Map<Long, Integer> onceEach(Collection<Long> ids) {
        Map<Long, Integer> once = new TreeMap<>();
        ids.forEach(id -> once.put(id, 1));
        return once;
    }
}
