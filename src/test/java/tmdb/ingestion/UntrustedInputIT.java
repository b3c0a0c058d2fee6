package tmdb.ingestion;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.checkpoint.FilePartitions;
import tmdb.ingestion.support.ApplicationProcess;
import tmdb.ingestion.support.TestBroker;
import tmdb.ingestion.support.TopicReader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What comes from outside and cannot be trusted, on a real broker: announcements written to the files topic by
 * someone else (a path outside the data folder, an absolute one, a directory, a link to a secret) make the instance
 * read and move nothing, and say so naming the announcement; a file whose modification time lies in the future
 * neither holds a once run back nor loses its last line.
 */
class UntrustedInputIT {

    private static final int FILES_PARTITIONS = 6;

    @TempDir
    Path dir;

    private final String prefix = "untrusted-" + System.nanoTime();

    private List<String> args(String mode, String... extra) {
        List<String> args = new ArrayList<>(List.of("--kafka.bootstrap-servers=" + TestBroker.bootstrapServers(),
                "--ingestion.data-dir=" + dir.resolve("data"), "--ingestion.mode=" + mode,
                "--ingestion.deployment-id=" + prefix, "--ingestion.group.files-topic=" + prefix + ".files",
                "--ingestion.group.files-partitions=" + FILES_PARTITIONS,
                "--ingestion.checkpoint.topic=" + prefix + ".checkpoints",
                "--ingestion.dead-letter.topic=" + prefix + ".dlq", "--ingestion.type.movie.topic=" + prefix
                        + ".movie"));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void forgedAnnouncementsReadAndMoveNothingAndSayWhichAnnouncementWasRefused() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path folder = Files.createDirectories(data.resolve("movie/new"));
        String secretLine = "{\"movie_id\": 666, \"movie_detail\": {\"title\": \"the password is hunter2\"}}";
        Path secret = Files.writeString(dir.resolve("secret.jsonl"), secretLine + "\n");
        Path directory = Files.createDirectories(folder.resolve("dir.jsonl"));
        Path link = Files.createSymbolicLink(folder.resolve("link.jsonl"), secret);
        Files.writeString(folder.resolve("real.jsonl"), "{\"movie_id\": 1, \"movie_detail\": {\"title\": \"a\"}}\n");
        Map<String, String> forged = Map.of("../secret.jsonl", "not written as a path under the data folder",
                secret.toString(), "which is not directly in one of the watched folders",
                "movie/new/dir.jsonl", "it is a directory",
                "movie/new/link.jsonl", "it is a symbolic link, and links are not followed");

        try (ApplicationProcess application = ApplicationProcess.start(dir.resolve("app.log"), Map.of(),
                args("watch", "--ingestion.file.quiet-period-ms=0").toArray(String[]::new))) {
            application.awaitLog(Pattern.compile("Done movie/new/real.jsonl"), Duration.ofSeconds(60));
            List<RecordMetadata> sent = new ArrayList<>();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
                for (String identity : forged.keySet()) {
                    sent.add(producer.send(new ProducerRecord<>(prefix + ".files",
                            FilePartitions.of(identity, FILES_PARTITIONS), prefix + "|" + identity,
                            "{\"file\": \"" + identity + "\", \"type\": \"movie\", \"label\": \"new\"}")).get());
                }
            }
            int i = 0;
            for (Map.Entry<String, String> announcement : forged.entrySet()) {
                RecordMetadata where = sent.get(i++);
                application.awaitLog(Pattern.compile(Pattern.quote("Refused the announcement at partition "
                        + where.partition() + ", offset " + where.offset() + " of the files topic: it names "
                        + announcement.getKey() + ", and ") + ".*" + Pattern.quote(announcement.getValue())
                        + ".*Nothing was read or moved"), Duration.ofSeconds(30));
            }
            application.terminate();
            assertThat(application.awaitExit(Duration.ofSeconds(60))).isEqualTo(143);
        }

        assertThat(Files.readString(secret)).isEqualTo(secretLine + "\n");
        assertThat(dir.resolve(".done")).doesNotExist();
        assertThat(directory).isDirectory();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        List<ConsumerRecord<String, byte[]>> published = TopicReader.readToEnd(TestBroker.bootstrapServers(),
                List.of(prefix + ".movie", prefix + ".dlq"));
        assertThat(published).extracting(ConsumerRecord::key).containsExactly("1");
        assertThat(published).noneMatch(record -> new String(record.value(), StandardCharsets.UTF_8)
                .contains("hunter2"));
    }

    @Test
    void aFileModifiedInTheFutureIsIngestedWholeAndTheOnceRunEnds() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("data/movie/old"));
        Path file = Files.writeString(folder.resolve("ahead.jsonl"), """
                {"movie_id": 1, "movie_detail": {"title": "a"}}
                {"movie_id": 2, "movie_detail": {"title": "b"}}
                {"movie_id": 3, "movie_detail": {"title": "c"}}
                {"movie_id": 4, "movie_detail": {"title": "no line ending"}}""");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plus(Duration.ofMinutes(10))));

        try (ApplicationProcess application = ApplicationProcess.start(dir.resolve("once.log"), Map.of(),
                args("once", "--ingestion.file.quiet-period-ms=1000").toArray(String[]::new))) {
            assertThat(application.awaitExit(Duration.ofSeconds(60))).as("the run ends").isZero();
            assertThat(application.output()).contains("Done movie/old/ahead.jsonl: 4 lines: 4 published");
        }
        List<ConsumerRecord<String, byte[]>> published = TopicReader.read(TestBroker.bootstrapServers(),
                List.of(prefix + ".movie"), 4, Duration.ofSeconds(30));
        assertThat(published).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("1", "2", "3", "4");
        assertThat(folder.resolve(".done/ahead.jsonl")).exists();
    }
}
