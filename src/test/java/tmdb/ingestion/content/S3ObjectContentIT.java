package tmdb.ingestion.content;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import tmdb.ingestion.file.JsonlLineReader;
import tmdb.ingestion.file.SourceLine;
import tmdb.ingestion.support.S3Faults;
import tmdb.ingestion.support.S3ProxyServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An object read by position as a file is, against a real S3-compatible server (S3Proxy in this JVM): forward reads
 * share one GET, a read elsewhere (a resume) asks for that byte on, a stream that fails is opened again at the same
 * byte, and an object replaced under its key, missing or refused is named with what happened.
 */
class S3ObjectContentIT {

    private static final String BUCKET = "tmdb-raw";
    private static final int LINES = 2_000;

    private static S3ProxyServer server;
    private static S3Client s3;
    private static byte[] jsonl;
    private static final List<Long> lineStarts = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start();
        s3 = server.client();
        s3.createBucket(request -> request.bucket(BUCKET));
        StringBuilder text = new StringBuilder();
        for (int line = 1; line <= LINES; line++) {
            lineStarts.add((long) text.toString().getBytes(StandardCharsets.UTF_8).length);
            text.append("{\"movie_id\": ").append(line).append(", \"movie_detail\": {\"title\": \"Titre ").append(line)
                    .append(" — 千と千尋\"}}\n");
        }
        jsonl = text.toString().getBytes(StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stopServer() throws Exception {
        s3.close();
        server.close();
    }

    private static StoredObject put(String key, byte[] bytes) {
        String eTag = s3.putObject(request -> request.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes)).eTag();
        return new StoredObject(BUCKET, key, bytes.length, eTag);
    }

    private static List<SourceLine> lines(Content content, long offset, long linesBefore) throws IOException {
        JsonlLineReader reader = JsonlLineReader.from(content, offset, linesBefore, 1 << 20, () -> false,
                JsonlLineReader.ANY_SIZE);
        List<SourceLine> lines = new ArrayList<>();
        reader.forEachRemaining(lines::add);
        return lines;
    }

    private static String text(SourceLine line) {
        return new String(line.bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void readsAWholeObjectLineByLineInOneRequest() throws IOException {
        StoredObject object = put("movie/new/whole.jsonl", jsonl);
        AtomicInteger gets = new AtomicInteger();
        try (S3ObjectContent content = new S3ObjectContent(S3Faults.counting(s3, gets), object)) {
            List<SourceLine> lines = lines(content, 0, 0);

            assertThat(lines).hasSize(LINES);
            assertThat(text(lines.get(0))).startsWith("{\"movie_id\": 1,");
            assertThat(lines.get(LINES - 1).number()).isEqualTo(LINES);
            assertThat(gets).as("forward reads share one GET").hasValue(1);
        }
        assertThat(object.uri()).isEqualTo("s3://tmdb-raw/movie/new/whole.jsonl");
    }

    @Test
    void aResumeAsksForItsByteOnwardsOnly() throws IOException {
        StoredObject object = put("movie/new/resumed.jsonl", jsonl);
        int resumeAfter = 1_500;
        AtomicInteger gets = new AtomicInteger();
        try (S3ObjectContent content = new S3ObjectContent(S3Faults.counting(s3, gets), object)) {
            List<SourceLine> lines = lines(content, lineStarts.get(resumeAfter), resumeAfter);

            assertThat(lines).hasSize(LINES - resumeAfter);
            assertThat(lines.get(0).number()).isEqualTo(resumeAfter + 1);
            assertThat(text(lines.get(0))).startsWith("{\"movie_id\": " + (resumeAfter + 1) + ",");
            assertThat(gets).hasValue(1);
        }
    }

    /**
     * A reader given the object again starts at the last line the one before took, which its buffer had read past:
     * those bytes come from the ones kept behind the stream, which then goes on. Further back, a GET at that byte.
     */
    @Test
    void aReadBackIntoTheLastBytesTheStreamGaveNeedsNoNewGet() throws IOException {
        byte[] bytes = new byte[4 * jsonl.length];
        for (int copy = 0; copy < 4; copy++) {
            System.arraycopy(jsonl, 0, bytes, copy * jsonl.length, jsonl.length);
        }
        StoredObject object = put("movie/old/again.jsonl", bytes);
        AtomicInteger gets = new AtomicInteger();
        try (S3ObjectContent content = new S3ObjectContent(S3Faults.counting(s3, gets), object)) {
            long position = 0;
            for (int read = 0; read < 100 && position < 300_000; read++) {
                int count = content.read(ByteBuffer.allocate(65_536), position);
                assertThat(count).as("the object has %d bytes", bytes.length).isPositive();
                position += count;
            }
            assertThat(position).isGreaterThanOrEqualTo(300_000);
            for (long back : List.of(1L, 60_000L, 131_072L)) {
                ByteBuffer again = ByteBuffer.allocate(70_000);
                long from = position - back;
                int read = content.read(again, from);

                assertThat(read).isEqualTo((int) Math.min(back, 70_000));
                assertThat(ByteBuffer.wrap(again.array(), 0, read)).isEqualTo(ByteBuffer.wrap(bytes, (int) from, read));
            }
            ByteBuffer onward = ByteBuffer.allocate(1000);
            assertThat(content.read(onward, position)).isPositive();
            assertThat(onward.flip()).isEqualTo(ByteBuffer.wrap(bytes, (int) position, onward.remaining()));
            assertThat(gets).as("the stream went on").hasValue(1);

            ByteBuffer further = ByteBuffer.allocate(100);
            content.read(further, 1_000);
            assertThat(further.flip()).isEqualTo(ByteBuffer.wrap(bytes, 1_000, 100));
            assertThat(gets).as("further back than the bytes kept: a GET").hasValue(2);
        }
    }

    @Test
    void readsAnyPositionAsTheFileWouldGiveIt() throws IOException {
        StoredObject object = put("movie/old/random.jsonl", jsonl);
        Random random = new Random(23);
        AtomicInteger gets = new AtomicInteger();
        try (S3ObjectContent content = new S3ObjectContent(S3Faults.counting(s3, gets), object)) {
            for (int i = 0; i < 40; i++) {
                long position = random.nextInt(jsonl.length);
                ByteBuffer target = ByteBuffer.allocate(1 + random.nextInt(300));
                int read = content.read(target, position);

                assertThat(read).isPositive();
                assertThat(ByteBuffer.wrap(target.array(), 0, read))
                        .isEqualTo(ByteBuffer.wrap(jsonl, (int) position, read));
            }
            assertThat(content.read(ByteBuffer.allocate(10), jsonl.length)).as("at the end").isEqualTo(-1);
            assertThat(content.size()).isEqualTo(jsonl.length);
            assertThat(gets.get()).as("one GET per jump, none at the end").isBetween(1, 40);
        }
    }

    @Test
    void aStreamThatFailsIsOpenedAgainAtTheSameByte() throws IOException {
        StoredObject object = put("person/change/flaky.jsonl", jsonl);
        AtomicInteger gets = new AtomicInteger();
        S3Client failingOnce = S3Faults.breaking(s3, gets, get -> get == 1 ? 10_000 : S3Faults.NEVER, false,
                new AtomicInteger());
        try (S3ObjectContent content = new S3ObjectContent(failingOnce, object)) {
            List<SourceLine> lines = lines(content, 0, 0);

            assertThat(lines).hasSize(LINES);
            assertThat(lines.stream().map(S3ObjectContentIT::text).toList())
                    .isEqualTo(List.of(new String(jsonl, StandardCharsets.UTF_8).split("\n")));
            assertThat(gets).hasValue(2);
        }
    }

    @Test
    void aStreamThatEndsEarlyIsOpenedAgainAtTheSameByte() throws IOException {
        StoredObject object = put("person/change/cut.jsonl", jsonl);
        AtomicInteger gets = new AtomicInteger();
        S3Client cutOnce = S3Faults.breaking(s3, gets, get -> get == 1 ? 7_000 : S3Faults.NEVER, true,
                new AtomicInteger());
        try (S3ObjectContent content = new S3ObjectContent(cutOnce, object)) {
            assertThat(lines(content, 0, 0)).hasSize(LINES);
            assertThat(gets).hasValue(2);
        }
    }

    /** The waits a test's reads make before their retries: at once, then after 10 and 20 ms. */
    private static final long[] RETRY_WAITS_MS = {0, 10, 20};

    @Test
    void aStoreThatFailsForAWhileIsTriedAgainAfterWaitsAndReadOn() throws IOException {
        StoredObject object = put("person/change/shaky.jsonl", jsonl);
        AtomicInteger gets = new AtomicInteger();
        S3Client shaky = S3Faults.breaking(s3, gets, get -> get == 1 ? 100 : get <= 3 ? 0 : S3Faults.NEVER, false,
                new AtomicInteger());
        ObjectRetries retries = new ObjectRetries();
        try (S3ObjectContent content = new S3ObjectContent(shaky, object, retries, RETRY_WAITS_MS)) {
            List<SourceLine> lines = lines(content, 0, 0);

            assertThat(retries.total()).as("the retries after a wait: the first is made at once")
                    .isEqualTo(RETRY_WAITS_MS.length - 1);
            assertThat(retries.current()).as("read on: no longer waiting").isEmpty();

            assertThat(lines).hasSize(LINES);
            assertThat(lines.stream().map(S3ObjectContentIT::text).toList())
                    .isEqualTo(List.of(new String(jsonl, StandardCharsets.UTF_8).split("\n")));
            assertThat(gets).as("the stream that broke, two that failed at once, the one that read on").hasValue(4);
        }
    }

    @Test
    void aStreamThatKeepsFailingIsTheReadersErrorOnceItsRetriesAreSpent() {
        StoredObject object = put("person/change/broken.jsonl", jsonl);
        AtomicInteger gets = new AtomicInteger();
        S3Client failingAgain = S3Faults.breaking(s3, gets, get -> get == 1 ? 100 : 0, false, new AtomicInteger());
        ObjectRetries retries = new ObjectRetries();
        try (S3ObjectContent content = new S3ObjectContent(failingAgain, object, retries, RETRY_WAITS_MS)) {
            ByteBuffer target = ByteBuffer.allocate(4096);
            long position = 0;
            IOException failure = null;
            for (int read = 0; read < 100 && failure == null; read++) {
                try {
                    position += content.read(target, position);
                } catch (IOException e) {
                    failure = e;
                }
            }

            assertThat(position).as("the first stream's bytes").isEqualTo(100);
            assertThat(failure).hasMessage("Reading s3://tmdb-raw/person/change/broken.jsonl at byte 100 failed "
                    + "4 times: connection reset (test)");
            assertThat(target.position()).as("nothing of a failed read lands in the buffer").isEqualTo(100);
            assertThat(gets).as("the first stream (the first attempt at byte 100), then one GET per retry")
                    .hasValue(1 + RETRY_WAITS_MS.length);
            assertThat(retries.total()).isEqualTo(RETRY_WAITS_MS.length - 1);
            assertThat(retries.current()).as("failed: the reader's now, no longer waiting").isEmpty();
        }
    }

    @Test
    void readsIntoDirectBuffersToo() throws IOException {
        StoredObject object = put("movie/new/direct.jsonl", jsonl);
        ByteBuffer all = ByteBuffer.allocateDirect(jsonl.length);
        try (S3ObjectContent content = new S3ObjectContent(s3, object)) {
            while (all.hasRemaining()) {
                ByteBuffer slice = all.slice(all.position(), Math.min(1000, all.remaining()));
                int read = content.read(slice, all.position());
                assertThat(read).isPositive();
                all.position(all.position() + read);
            }
        }
        byte[] copy = new byte[jsonl.length];
        all.flip().get(copy);
        assertThat(copy).isEqualTo(jsonl);
    }

    @Test
    void aStoreThatIgnoresTheRangeIsNotReadFromTheWrongByte() {
        StoredObject object = put("movie/new/no-ranges.jsonl", jsonl);
        S3Client noRanges = S3Faults.ignoringRanges(s3);
        try (S3ObjectContent content = new S3ObjectContent(noRanges, object)) {
            assertThatThrownBy(() -> content.read(ByteBuffer.allocate(10), 500))
                    .isInstanceOf(IOException.class)
                    .hasMessage("Could not read s3://tmdb-raw/movie/new/no-ranges.jsonl from byte 500: the store "
                            + "answered with the whole object (it does not serve ranges as S3 does)");
        }
    }

    @Test
    void anObjectReplacedUnderItsKeyIsNotReadOn() throws IOException {
        StoredObject object = put("tv_series/new/replaced.jsonl", jsonl);
        try (S3ObjectContent content = new S3ObjectContent(s3, object)) {
            assertThat(content.read(ByteBuffer.allocate(100), 0)).isPositive();
            put("tv_series/new/replaced.jsonl", "{\"tv_series_id\": 1}\n".getBytes(StandardCharsets.UTF_8));

            assertThatThrownBy(() -> content.read(ByteBuffer.allocate(100), 5_000))
                    .isInstanceOf(ObjectReplacedException.class)
                    .hasMessage("s3://tmdb-raw/tv_series/new/replaced.jsonl was replaced while it was read (its ETag "
                            + "is no longer " + object.eTag() + "): reading stopped at byte 5000 of "
                            + jsonl.length);
        }
    }

    @Test
    void aMissingObjectOrARefusedReadIsNamed() {
        StoredObject object = put("movie/change/gone.jsonl", jsonl);
        s3.deleteObject(request -> request.bucket(BUCKET).key(object.key()));
        try (S3ObjectContent content = new S3ObjectContent(s3, object)) {
            assertThatThrownBy(() -> content.read(ByteBuffer.allocate(10), 0))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("Could not read s3://tmdb-raw/movie/change/gone.jsonl from byte 0: S3 "
                            + "answered 404 NoSuchKey");
        }
        StoredObject kept = put("movie/change/kept.jsonl", jsonl);
        try (S3Client wrongSecret = server.client("not-the-secret");
             S3ObjectContent content = new S3ObjectContent(wrongSecret, kept)) {
            assertThatThrownBy(() -> content.read(ByteBuffer.allocate(10), 0))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("Could not read s3://tmdb-raw/movie/change/kept.jsonl from byte 0: S3 "
                            + "answered 403");
        }
    }
}
