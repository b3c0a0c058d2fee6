package tmdb.ingestion;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import tmdb.ingestion.datagen.TmdbDataGenerator;
import tmdb.ingestion.support.ApplicationProcess;
import tmdb.ingestion.support.CompressedFiles;
import tmdb.ingestion.support.ManagementEndpoint;
import tmdb.ingestion.support.S3ProxyServer;
import tmdb.ingestion.support.SourceLines;
import tmdb.ingestion.support.TestBroker;
import tmdb.ingestion.support.TopicReader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bucket instead of the folders, on an S3-compatible server in the test JVM (S3Proxy, AWS v4 signatures checked),
 * the application a separate process with its credentials in the environment, as a deployment on MinIO or S3 runs
 * it: every line of every object under {@code <prefix><type>/<label>/} (plain, gzip, zstd) reaches Kafka once, named
 * {@code s3://bucket/key}; nothing else in the bucket is read; the objects stay; a second run sends nothing again but
 * an object replaced under its key, another object read from its start; past the retention, the finished checkpoints
 * of the objects still in the bucket are kept (written again), a deleted one's forgotten; a run killed mid-object is
 * resumed after each object's checkpoint; with {@code move} or {@code delete}, what was read leaves its place. A bucket
 * S3 refuses to list stops the start with a configuration error.
 * Its cases run at once, and beside the other scenarios: their topics, buckets and server are their own.
 */
@Execution(ExecutionMode.CONCURRENT)
class S3IngestionIT {

    private static final String BUCKET = "tmdb-raw";
    private static final String PREFIX = "exports/";
    private static final List<String> TYPES = TmdbDataGenerator.TYPES;
    /** Records per second of the run that is killed. */
    private static final int CRASH_PACE = 1000;
    private static S3ProxyServer server;
    private static S3Client s3;

    @TempDir
    Path dir;

    private final String prefix = "s3-" + System.nanoTime();

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start();
        s3 = server.client();
        s3.createBucket(request -> request.bucket(BUCKET));
    }

    @AfterAll
    static void stopServer() throws Exception {
        s3.close();
        server.close();
    }

    @Test
    void everyLineOfEveryObjectOnceTheObjectsLeftInPlaceAndAReplacedObjectReadAsAnother() throws Exception {
        Path data = dir.resolve("data");
        new TmdbDataGenerator(41).generate(data, TYPES, 900, 40);
        CompressedFiles.Made made = CompressedFiles.compress(data, 1.0);
        Set<String> expected = upload(data, BUCKET, PREFIX);
        String oneLine = Files.readAllLines(made.plain().get(0)).get(0) + "\n";
        for (String ignored : List.of(PREFIX + "movie/new/.partial.jsonl", PREFIX + "movie/new/deeper/a.jsonl",
                PREFIX + "movie/new/notes.txt", PREFIX + "collection/new/a.jsonl", "movie/new/outside.jsonl")) {
            s3.putObject(request -> request.bucket(BUCKET).key(ignored), RequestBody.fromString(oneLine));
        }
        int objects = (int) expected.stream().map(line -> line.substring(0, line.lastIndexOf(':'))).distinct()
                .count();
        assertThat(made.gzip()).as("some objects are compressed").isNotEmpty();
        assertThat(made.zstd()).isNotEmpty();

        String first = run();
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readToEnd(TestBroker.bootstrapServers(), topics());
        assertThat(SourceLines.missing(expected, SourceLines.of(records))).as("lines not on Kafka").isEmpty();
        assertThat(records).as("each line once").hasSize(expected.size());
        assertThat(SourceLines.of(records)).as("nothing else read").isEqualTo(expected);
        assertThat(first).contains("published         " + expected.size() + " records");
        assertThat(first.split("left in its bucket", -1)).as("objects done").hasSize(objects + 1);
        assertThat(keys(BUCKET)).as("every object stays in the bucket, nothing is written there")
                .hasSize(objects + 5);

        // a second run: one object replaced since, read as another; the others found ingested, none opened
        String replaced = PREFIX + data.relativize(made.plain().get(0));
        byte[] twoLines = (oneLine + oneLine).getBytes(StandardCharsets.UTF_8);
        s3.putObject(request -> request.bucket(BUCKET).key(replaced), RequestBody.fromBytes(twoLines));
        String second = run();
        assertThat(second).contains("published         2 records")
                .contains("Reading s3://" + BUCKET + "/" + replaced + " (" + twoLines.length + " bytes): a file of this "
                        + "name was ingested before, and this one is another");
        // an object may be claimed twice: from the first run's announcement (its tombstone comes after it) and again;
        // the replaced one's first announcement names the object that was read, its ETag matching its checkpoint
        assertThat(Pattern.compile("(s3://\\S+) was ingested completely before \\(its checkpoint says so\\): not sent "
                + "again").matcher(second).results().map(match -> match.group(1))
                .filter(name -> !name.equals("s3://" + BUCKET + "/" + replaced)).distinct().count())
                .as("the other objects found ingested before").isEqualTo(objects - 1);
        assertThat(TopicReader.readToEnd(TestBroker.bootstrapServers(), topics())).hasSize(expected.size() + 2);

        // past the retention, a finished object's checkpoint is kept while its object is in the bucket: without it,
        // the next listing would read the object again
        String deleted = PREFIX + data.relativize(made.plain().get(1));
        s3.deleteObject(request -> request.bucket(BUCKET).key(deleted));
        try (ApplicationProcess sweeping = start(credentials(), BUCKET, "--ingestion.mode=watch",
                "--ingestion.checkpoint.done-retention=1ms", "--ingestion.checkpoint.done-sweep-interval-ms=1000")) {
            // every sweep keeps them all again (the retention is 1 ms): one finds them all settled
            sweeping.awaitLog(Pattern.compile("Kept (" + (objects - 1) + ") finished checkpoints older than PT0.001S "
                    + "\\(ingestion.checkpoint.done-retention\\), written again"), Duration.ofSeconds(60));
            sweeping.awaitLog(Pattern.compile("Forgot ([0-9]+) finished checkpoints older than"), Duration.ofSeconds(60));
            // the deleted object's only, once: a replayed announcement of it, matched by its checkpoint with no
            // request, settles it as ingested before and leaves that checkpoint as it is
            assertThat(Pattern.compile("Forgot ([0-9]+) finished checkpoints older than").matcher(sweeping.output())
                    .results().map(match -> Integer.parseInt(match.group(1))).toList())
                    .as("checkpoints forgotten at each sweep").containsExactly(1);
            assertThat(sweeping.output()).doesNotContain("Done s3://");
            sweeping.terminate();
            assertThat(sweeping.awaitExit(Duration.ofSeconds(30))).isIn(0, 143);
        }
        assertThat(run()).as("the checkpoints written again are used").contains("published         0 records");
        assertThat(TopicReader.readToEnd(TestBroker.bootstrapServers(), topics())).hasSize(expected.size() + 2);
    }

    /**
     * Killed with SIGKILL mid-run (the kill point chosen by what it published), the next run resumes each object
     * after its last checkpoint: by a ranged GET from the checkpoint's byte for a plain object, by decompressing up to
     * it for a compressed one. Exactly-once, so that a resume point too early shows as a line seen twice and one too
     * late as a line missing (at-least-once resumes the same way; CrashRecoveryIT bounds its repeats for files).
     */
    @Test
    void aKilledRunIsResumedAfterEachObjectsLastCheckpointNothingTwiceNothingMissing() throws Exception {
        // a bucket of its own: the tests of this class run at once
        String bucket = "tmdb-crash";
        s3.createBucket(request -> request.bucket(bucket));
        Path data = dir.resolve("data");
        new TmdbDataGenerator(43).generate(data, TYPES, 3600, 400);
        CompressedFiles.compress(data, 1.0);
        Set<String> expected = upload(data, bucket, PREFIX);
        String[] settings = {"--ingestion.delivery.guarantee=exactly-once",
            "--ingestion.exactly-once.transactional-id=" + prefix};
        ManagementEndpoint management = new ManagementEndpoint();
        String killed;
        try (ApplicationProcess run = start(credentials(), bucket, settings[0], settings[1],
                "--ingestion.pace.records-per-second=" + CRASH_PACE, "--ingestion.management.port="
                        + management.port())) {
            management.awaitPublished(2L * CRASH_PACE, Duration.ofSeconds(60));
            run.close();
            killed = run.output();
        }
        assertThat(killed).doesNotContain("published         ");
        String resumed;
        try (ApplicationProcess run = start(credentials(), bucket, settings)) {
            assertThat(run.awaitExit(Duration.ofSeconds(120))).as(run.output()).isZero();
            resumed = run.output();
        }
        assertThat(resumed).as("every checkpoint the killed run saved is of its object").doesNotContain("is not used");
        // a plain object's resume point is a byte of it, a compressed one's of its decompressed content
        assertThat(resumed).containsPattern("Resuming s3://" + bucket + "/" + PREFIX + "\\S+ after line [0-9]+ "
                + "\\(byte [0-9]+ of ");
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readToEnd(TestBroker.bootstrapServers(), topics());
        Set<String> delivered = SourceLines.of(records);
        assertThat(SourceLines.missing(expected, delivered)).as("lines not on Kafka").isEmpty();
        assertThat(delivered).as("nothing else read").isEqualTo(expected);
        System.out.printf("S3, exactly-once: killed after %d records published, resumed: %d lines, %d records "
                + "read_committed (each line once)%n", 2 * CRASH_PACE, expected.size(), records.size());
        assertThat(records).as("each line once").hasSize(expected.size());
    }

    /**
     * With {@code move}, each object read ends under {@code .done/} beside itself, a failed one under {@code .error/},
     * and nothing under those is listed again; with {@code delete}, an object read is deleted.
     */
    @Test
    void movedObjectsEndUnderDoneOrErrorAndDeletedOnesAreGone() throws Exception {
        String bucket = "tmdb-move";
        s3.createBucket(request -> request.bucket(bucket));
        Path data = dir.resolve("data");
        new TmdbDataGenerator(47).generate(data, TYPES, 270, 30);
        Set<String> expected = upload(data, bucket, PREFIX);
        List<String> objects = expected.stream().map(line -> line.substring(("s3://" + bucket + "/").length(),
                line.lastIndexOf(':'))).distinct().sorted().toList();
        String utf16 = PREFIX + "movie/new/utf16.jsonl";
        s3.putObject(request -> request.bucket(bucket).key(utf16),
                RequestBody.fromBytes("{\"movie_id\": 1}\n".getBytes(StandardCharsets.UTF_16)));

        String moved;
        try (ApplicationProcess run = start(credentials(), bucket, "--ingestion.source.s3.after-ingest=move")) {
            assertThat(run.awaitExit(Duration.ofSeconds(90))).as("a failed object: status 1").isEqualTo(1);
            moved = run.output();
        }
        assertThat(moved).contains("Failed s3://" + bucket + "/" + utf16 + ": ")
                .contains("moved to s3://" + bucket + "/" + PREFIX + "movie/new/.error/utf16.jsonl");
        List<String> expectedKeys = new ArrayList<>(objects.stream().map(key -> key.substring(0,
                key.lastIndexOf('/') + 1) + ".done" + key.substring(key.lastIndexOf('/'))).toList());
        expectedKeys.add(PREFIX + "movie/new/.error/utf16.jsonl");
        assertThat(keys(bucket)).as("every object moved, none left in place").containsExactlyInAnyOrderElementsOf(
                expectedKeys);
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readToEnd(TestBroker.bootstrapServers(), topics());
        assertThat(SourceLines.of(records)).as("every line, named by the key it was read under").isEqualTo(expected);
        assertThat(records).as("each line once").hasSize(expected.size());

        String added = PREFIX + "person/change/added.jsonl";
        s3.putObject(request -> request.bucket(bucket).key(added),
                RequestBody.fromString("{\"person_id\": 7, \"person_detail\": {}}\n"));
        String deleted;
        try (ApplicationProcess run = start(credentials(), bucket, "--ingestion.source.s3.after-ingest=delete")) {
            assertThat(run.awaitExit(Duration.ofSeconds(90))).as(run.output()).isZero();
            deleted = run.output();
        }
        assertThat(deleted).contains("published         1 records")
                .contains("Done s3://" + bucket + "/" + added + ": ").contains("; deleted from its bucket");
        assertThat(keys(bucket)).as("the new object deleted, what was moved not listed again")
                .containsExactlyInAnyOrderElementsOf(expectedKeys);
    }

    /**
     * Two instances of one group share a bucket as they share folders: the owner of files partition 0 lists it, each
     * object is read by the owner of its partition, and, exactly-once, every line reaches Kafka once; both read some.
     */
    @Test
    void twoInstancesShareABucketEachObjectReadByOneAndEveryLineOnce() throws Exception {
        String bucket = "tmdb-group";
        s3.createBucket(request -> request.bucket(bucket));
        Path data = dir.resolve("data");
        new TmdbDataGenerator(53).generate(data, TYPES, 1800, 50);
        String[] group = {"--ingestion.mode=watch", "--ingestion.delivery.guarantee=exactly-once",
            "--ingestion.exactly-once.transactional-id=" + prefix, "--ingestion.group.id=" + prefix};
        List<ApplicationProcess> instances = new ArrayList<>();
        try {
            for (String id : List.of("a", "b")) {
                List<String> args = new ArrayList<>(List.of(group));
                args.addAll(List.of("--ingestion.instance-id=" + id, "--ingestion.management.port="
                        + new ManagementEndpoint().port()));
                instances.add(start(credentials(), bucket, args.toArray(String[]::new)));
                instances.get(instances.size() - 1).awaitLog(Pattern.compile("Instance " + id + " owns files "
                        + "partitions \\[[0-9]"), Duration.ofSeconds(90));
            }
            // b owns some partitions now, taken from a: the objects come once the two share the work
            Set<String> expected = upload(data, bucket, PREFIX);
            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    TopicReader.readToEnd(TestBroker.bootstrapServers(), topics()).size() >= expected.size());
            List<ConsumerRecord<String, byte[]>> records = TopicReader.readToEnd(TestBroker.bootstrapServers(),
                    topics());
            assertThat(SourceLines.of(records)).as("every line, nothing else").isEqualTo(expected);
            assertThat(records).as("each line once").hasSize(expected.size());
            for (ApplicationProcess instance : instances) {
                assertThat(instance.output()).as("each instance read some objects").contains("Done s3://" + bucket);
            }
        } finally {
            for (ApplicationProcess instance : instances) {
                instance.close();
            }
        }
    }

    /**
     * A bucket that stops answering its listings after the start (here it is deleted, S3 answers 404) shows in
     * readiness with what failed, is listed again with a back-off, and once it is back, readiness is up and the log
     * says so once.
     */
    @Test
    void aBucketThatCannotBeListedIsInReadinessUntilItIsListedAgain() throws Exception {
        String bucket = "tmdb-away";
        s3.createBucket(request -> request.bucket(bucket));
        ManagementEndpoint management = new ManagementEndpoint();
        try (ApplicationProcess run = start(credentials(), bucket, "--ingestion.mode=watch",
                "--ingestion.management.port=" + management.port())) {
            run.awaitLog(Pattern.compile("Listing the folders: this instance owns files partition 0"),
                    Duration.ofSeconds(60));
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> management.get("health/ready").statusCode() == 200);
            s3.deleteBucket(request -> request.bucket(bucket));

            run.awaitLog(Pattern.compile("s3://" + bucket + "/" + PREFIX + "\\S+ could not be listed: S3 answered 404 "
                    + "NoSuchBucket\\. Nothing is announced until it is listed again"), Duration.ofSeconds(30));
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(management.get("health/ready")).satisfies(ready -> {
                        assertThat(ready.statusCode()).isEqualTo(503);
                        assertThat(ready.body()).contains("bucket").contains("could not be listed: S3 answered 404");
                    }));
            // at a 200 ms interval, the wait doubles at each failure: seconds, not the interval, once it has failed
            // a few times in a row
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Pattern.compile("listed again in about "
                    + "[1-9]").matcher(management.get("health/ready").body()).find());
            s3.createBucket(request -> request.bucket(bucket));
            run.awaitLog(Pattern.compile("The bucket is listed again, after [0-9]+ s of failed listings"),
                    Duration.ofSeconds(90));
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> management.get("health/ready").statusCode() == 200);
            run.terminate();
            assertThat(run.awaitExit(Duration.ofSeconds(30))).isIn(0, 143);
        }
    }

    /**
     * A bucket S3 refuses to list stops the start with status 2 and one line (the refusals themselves, a store out of
     * reach and missing credentials are BucketListingIT's and BucketSettingsTest's).
     */
    @Test
    void aBucketS3RefusesToListStopsTheStartWithAConfigurationError() throws Exception {
        try (ApplicationProcess wrongSecret = start(Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", "not-the-secret"), BUCKET)) {
            assertThat(wrongSecret.awaitExit(Duration.ofSeconds(60))).as(wrongSecret.output()).isEqualTo(2);
            assertThat(wrongSecret.output()).contains("s3://" + BUCKET + "/" + PREFIX + " could not be listed: S3 "
                    + "answered 403").contains("Check ingestion.source.s3.bucket").doesNotContain("\tat ");
        }
    }

    /** Puts every data file under the data folder into the bucket under the prefix; returns their lines. */
    private static Set<String> upload(Path data, String bucket, String keyPrefix) throws Exception {
        Set<String> lines = new HashSet<>();
        try (Stream<Path> walk = Files.walk(data)) {
            for (Path file : walk.filter(SourceLines::isDataFile).sorted().toList()) {
                String key = keyPrefix + data.relativize(file);
                s3.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromFile(file));
                long count = CompressedFiles.lines(file);
                for (long line = 1; line <= count; line++) {
                    lines.add("s3://" + bucket + "/" + key + ":" + line);
                }
            }
        }
        return lines;
    }

    private List<String> topics() {
        return TYPES.stream().map(type -> prefix + "." + type).toList();
    }

    private static List<String> keys(String bucket) {
        return s3.listObjectsV2Paginator(request -> request.bucket(bucket)).contents().stream().map(S3Object::key)
                .toList();
    }

    private static Map<String, String> credentials() {
        return Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY",
                S3ProxyServer.SECRET_KEY);
    }

    private String run() throws Exception {
        try (ApplicationProcess application = start(credentials(), BUCKET)) {
            assertThat(application.awaitExit(Duration.ofSeconds(90))).as(application.output()).isZero();
            return application.output();
        }
    }

    /** A run on the bucket, once unless the extra arguments say otherwise, the credentials (or none) in its environment. */
    private ApplicationProcess start(Map<String, String> environment, String bucket, String... extra)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--kafka.bootstrap-servers=" + TestBroker.bootstrapServers(), "--ingestion.mode=once",
                "--ingestion.data-dir=" + dir.resolve("no-such-folder"), "--ingestion.source.s3.bucket=" + bucket,
                "--ingestion.source.s3.prefix=" + PREFIX, "--ingestion.source.s3.endpoint=" + server.endpoint(),
                "--ingestion.source.s3.path-style=true", "--ingestion.source.s3.list-interval-ms=200",
                "--ingestion.dead-letter.topic=" + prefix + ".dlq", "--ingestion.checkpoint.topic=" + prefix + ".cp",
                "--ingestion.group.files-topic=" + prefix + ".files", "--ingestion.status.topic=" + prefix
                        + ".status"));
        for (String type : TYPES) {
            args.add("--ingestion.type." + type + ".topic=" + prefix + "." + type);
        }
        args.addAll(List.of(extra));
        return ApplicationProcess.start(dir.resolve("run-" + System.nanoTime() + ".log"), environment,
                args.toArray(String[]::new));
    }
}
