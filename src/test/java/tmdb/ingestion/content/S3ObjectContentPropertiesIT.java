package tmdb.ingestion.content;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import tmdb.ingestion.support.S3Faults;
import tmdb.ingestion.support.S3ProxyServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever the reads (forward or jumping, small or large buffers, heap or direct) and wherever streams break or end
 * early (each stream gives at least one byte), an object read by position gives exactly its bytes, and asks S3 once
 * per jump and once per broken stream, no more.
 */
class S3ObjectContentPropertiesIT {

    private static final String BUCKET = "tmdb-props";
    private static final int OBJECT_BYTES = 300_000;

    private static S3ProxyServer server;
    private static S3Client s3;
    private static byte[] bytes;
    private static StoredObject object;

    /** A read: from where the last ended or from {@code jumpTo}, into a buffer of {@code size} bytes. */
    record Read(boolean jump, int jumpTo, int size, boolean direct) {
    }

    @BeforeContainer
    static void startServer() throws Exception {
        server = S3ProxyServer.start();
        s3 = server.client();
        s3.createBucket(request -> request.bucket(BUCKET));
        bytes = new byte[OBJECT_BYTES];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i % 251);
        }
        String eTag = s3.putObject(request -> request.bucket(BUCKET).key("movie/new/p.jsonl"),
                RequestBody.fromBytes(bytes)).eTag();
        object = new StoredObject(BUCKET, "movie/new/p.jsonl", bytes.length, eTag);
    }

    @AfterContainer
    static void stopServer() throws Exception {
        s3.close();
        server.close();
    }

    @Property(tries = 60)
    void givesTheObjectsBytesWhateverTheReadsAndBreaks(@ForAll("reads") List<Read> reads,
                                                       @ForAll("streamLimits") List<Integer> limits,
                                                       @ForAll boolean breaksByEnding) throws IOException {
        AtomicInteger gets = new AtomicInteger();
        AtomicInteger breaks = new AtomicInteger();
        S3Client breaking = S3Faults.breaking(s3, gets, get -> get <= limits.size() ? limits.get(get - 1)
                : S3Faults.NEVER, breaksByEnding, breaks);
        int jumps = 0;
        long position = 0;
        try (S3ObjectContent content = new S3ObjectContent(breaking, object)) {
            for (Read read : reads) {
                if (read.jump() && read.jumpTo() != position) {
                    position = read.jumpTo();
                    jumps++;
                }
                if (position >= bytes.length) {
                    assertThat(content.read(ByteBuffer.allocate(read.size()), position)).isEqualTo(-1);
                    continue;
                }
                ByteBuffer target = read.direct() ? ByteBuffer.allocateDirect(read.size())
                        : ByteBuffer.allocate(read.size());
                int got = content.read(target, position);

                assertThat(got).isBetween(1, read.size());
                byte[] copy = new byte[got];
                target.flip().get(copy);
                assertThat(ByteBuffer.wrap(copy)).isEqualTo(ByteBuffer.wrap(bytes, (int) position, got));
                position += got;
            }
            assertThat(gets.get()).as("one GET to start, one per jump, one per broken stream at most")
                    .isLessThanOrEqualTo(1 + jumps + breaks.get());
        }
    }

    @Provide
    Arbitrary<List<Read>> reads() {
        return Combinators.combine(Arbitraries.of(true, false, false, false), Arbitraries.integers()
                        .between(0, OBJECT_BYTES + 10), Arbitraries.integers().between(1, 70_000),
                Arbitraries.of(true, false)).as(Read::new).list().ofMinSize(1).ofMaxSize(30);
    }

    /** How many bytes each stream gives before it breaks, at least one, in the order they are opened. */
    @Provide
    Arbitrary<List<Integer>> streamLimits() {
        return Arbitraries.oneOf(Arbitraries.integers().between(1, 100), Arbitraries.integers().between(1, 70_000),
                Arbitraries.just(S3Faults.NEVER)).list().ofMaxSize(20);
    }
}
