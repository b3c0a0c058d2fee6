package tmdb.ingestion.content;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An object's bytes, read by position as a file's are, through ranged GETs conditioned on the listed ETag: one
 * stream is kept open while reads go forward from where the last one ended, and a read anywhere else (a resume from
 * a checkpoint) opens another at that byte, so nothing before a resume point is fetched. A stream that fails, ends
 * early, or that the SDK aborted while it stood idle, is opened again at once at the same byte; a store or network
 * that keeps failing (5xx, 429, no answer) is tried again after 1, 2, 4, 8 and 16 s, each retry named in the log;
 * then the failure is the caller's, as a file's read error is. A refusal (403, 404), a replaced object or a store that
 * ignores ranges is not retried. An object waiting for a retry is in {@link ObjectRetries}, for readiness. The last
 * 128 KiB the stream gave are kept until the content is closed: a read that goes back into them is answered from
 * memory. The object's size is the listed one: an object never grows.
 * <p>
 * Reads are serialised (the stream and its position are one piece of state); a read by another thread in between,
 * at another position, costs the reader a new GET, so what only checks an object (its identity, whether it changed)
 * uses its ETag rather than its bytes.
 */
public final class S3ObjectContent implements Content {

    private static final int PRECONDITION_FAILED = 412;
    private static final int NOT_FOUND = 404;
    private static final int TOO_MANY_REQUESTS = 429;
    private static final int DIRECT_CHUNK_BYTES = 1 << 16;
    /**
     * Bytes kept behind the stream's position: more than a reader's buffer reads ahead (64 KiB), so that the next
     * reader of the object, starting at the line the last one stopped at, needs no new GET.
     */
    private static final int BEHIND_BYTES = 1 << 17;
    /** The waits before each retry of a failed read: at once, then doubling, about half a minute in all. */
    private static final long[] RETRY_WAITS_MS = {0, 1_000, 2_000, 4_000, 8_000, 16_000};
    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectContent.class);

    private final S3Client s3;
    private final StoredObject object;
    private final long[] retryWaitsMs;
    private final ObjectRetries retries;
    private boolean retried;
    private ResponseInputStream<GetObjectResponse> stream;
    private long streamPosition;
    private byte[] directChunk;
    /** The last bytes the stream gave, a ring ending at {@code behindEnd}, {@code behindFilled} of them valid. */
    private byte[] behind;
    private int behindEnd;
    private int behindFilled;

    /** A content whose retries are nobody's to show (a check of one object's presence, say). */
    public S3ObjectContent(S3Client s3, StoredObject object) {
        this(s3, object, new ObjectRetries());
    }

    /** A content that tells {@code retries} while its reads wait to be tried again. */
    public S3ObjectContent(S3Client s3, StoredObject object, ObjectRetries retries) {
        this(s3, object, retries, RETRY_WAITS_MS);
    }

    /** With the waits before each retry chosen, so that a test spends milliseconds on them. */
    S3ObjectContent(S3Client s3, StoredObject object, ObjectRetries retries, long[] retryWaitsMs) {
        this.s3 = s3;
        this.object = object;
        this.retries = retries;
        this.retryWaitsMs = retryWaitsMs.clone();
    }

    public StoredObject object() {
        return object;
    }

    @Override
    public long size() {
        return object.size();
    }

    /** True when the read failed because the object is not in its bucket (any more): S3 answered 404. */
    public static boolean notFound(IOException failure) {
        return failure.getCause() instanceof S3Exception s3 && s3.statusCode() == NOT_FOUND;
    }

    @Override
    public Optional<String> version() {
        return Optional.of(object.eTag());
    }

    @Override
    public synchronized int read(ByteBuffer target, long position) throws IOException {
        if (position >= object.size()) {
            return -1;
        }
        if (!target.hasRemaining()) {
            return 0;
        }
        if (position < streamPosition && streamPosition - position <= behindFilled) {
            return readBehind(target, position);
        }
        try {
            return readRetrying(target, position);
        } catch (IOException e) {
            if (retried) {
                retried = false;
                retries.over(object);
            }
            throw e;
        }
    }

    private int readRetrying(ByteBuffer target, long position) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                if (stream == null || streamPosition != position) {
                    open(position);
                }
            } catch (ObjectReplacedException e) {
                throw e;
            } catch (IOException e) {
                if (!storeOrNetwork(e.getCause())) {
                    throw e;
                }
                retryOrFail(attempt, position, e.getMessage(), e);
                continue;
            }
            String failure;
            Exception cause;
            try {
                int read = readOnce(target);
                if (read >= 0) {
                    streamPosition += read;
                    if (retried) {
                        retried = false;
                        retries.over(object);
                    }
                    return read;
                }
                failure = "it ended there, and it was listed with " + object.size() + " bytes";
                cause = null;
            } catch (IOException | SdkException e) {
                failure = e.getMessage();
                cause = e;
            }
            closeStream();
            retryOrFail(attempt, position, failure, cause);
        }
    }

    /**
     * After a failed attempt: waits before the next one (the first is made at once: the SDK aborts a stream left
     * idle), or throws once the retries are spent, or when the wait is interrupted (the reader is stopped).
     */
    private void retryOrFail(int attempt, long position, String failure, Exception cause) throws IOException {
        if (Thread.currentThread().isInterrupted() || cause instanceof InterruptedIOException
                || cause instanceof AbortedException || cause != null && cause.getCause() instanceof AbortedException) {
            throw new InterruptedIOException("Reading " + object.uri() + " at byte " + position + " was stopped: "
                    + failure);
        }
        if (attempt > retryWaitsMs.length) {
            throw new IOException("Reading " + object.uri() + " at byte " + position + " failed "
                    + (attempt == 2 ? "twice" : attempt + " times") + ": " + failure, cause);
        }
        long wait = retryWaitsMs[attempt - 1];
        if (wait == 0) {
            return;
        }
        LOG.warn("Reading {} at byte {} failed: {}; trying again in {} ms (retry {} of {})", object.uri(), position,
                failure, wait, attempt, retryWaitsMs.length);
        retried = true;
        retries.retrying(object, "reading at byte " + position + " failed: " + failure + "; retry " + attempt + " of "
                + retryWaitsMs.length + " in " + wait + " ms");
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Reading " + object.uri() + " at byte " + position + " was stopped while "
                    + "it waited to try again after: " + failure);
        }
    }

    /** True for a failure worth trying again: the network, or the store busy or failing (5xx, 429). */
    private static boolean storeOrNetwork(Throwable cause) {
        if (cause instanceof S3Exception s3) {
            return s3.statusCode() >= 500 || s3.statusCode() == TOO_MANY_REQUESTS;
        }
        return cause instanceof SdkException;
    }

    /**
     * One read of the stream, so that a failure leaves the buffer as it was and the read can be made again at the
     * same byte (a channel over the stream would read on into the buffer and fail with bytes already in it).
     */
    private int readOnce(ByteBuffer target) throws IOException {
        if (target.hasArray()) {
            int at = target.arrayOffset() + target.position();
            int read = stream.read(target.array(), at, target.remaining());
            if (read > 0) {
                target.position(target.position() + read);
                keepBehind(target.array(), at, read);
            }
            return read;
        }
        if (directChunk == null) {
            directChunk = new byte[DIRECT_CHUNK_BYTES];
        }
        int read = stream.read(directChunk, 0, Math.min(target.remaining(), directChunk.length));
        if (read > 0) {
            target.put(directChunk, 0, read);
            keepBehind(directChunk, 0, read);
        }
        return read;
    }

    /** Keeps the last bytes the stream gave, up to {@value #BEHIND_BYTES}, ending at the stream's position. */
    private void keepBehind(byte[] from, int offset, int length) {
        if (behind == null) {
            behind = new byte[BEHIND_BYTES];
        }
        int skip = Math.max(0, length - BEHIND_BYTES);
        for (int copied = skip; copied < length; ) {
            int count = Math.min(length - copied, BEHIND_BYTES - behindEnd);
            System.arraycopy(from, offset + copied, behind, behindEnd, count);
            behindEnd = (behindEnd + count) % BEHIND_BYTES;
            copied += count;
        }
        behindFilled = Math.min(BEHIND_BYTES, behindFilled + length);
    }

    /**
     * A read at a position the stream passed a little earlier (a reader given the object again from the last line it
     * took, its buffer having read ahead) is answered from the bytes kept behind, and the stream goes on after them:
     * no new GET.
     */
    private int readBehind(ByteBuffer target, long position) {
        int back = (int) (streamPosition - position);
        int count = Math.min(back, target.remaining());
        int start = Math.floorMod(behindEnd - back, BEHIND_BYTES);
        int first = Math.min(count, BEHIND_BYTES - start);
        target.put(behind, start, first);
        target.put(behind, 0, count - first);
        return count;
    }

    private void open(long position) throws IOException {
        closeStream();
        behindFilled = 0;
        try {
            stream = s3.getObject(request -> request.bucket(object.bucket()).key(object.key())
                    .range("bytes=" + position + "-").ifMatch(object.eTag()));
        } catch (S3Exception e) {
            if (e.statusCode() == PRECONDITION_FAILED) {
                throw new ObjectReplacedException(object, position);
            }
            throw new IOException("Could not read " + object.uri() + " from byte " + position + ": "
                    + S3Answer.of(e), e);
        } catch (SdkException e) {
            throw new IOException("Could not read " + object.uri() + " from byte " + position + ": "
                    + e.getMessage(), e);
        }
        String range = stream.response().contentRange();
        if (range == null ? position != 0 : !range.startsWith("bytes " + position + "-")) {
            closeStream();
            throw new IOException("Could not read " + object.uri() + " from byte " + position + ": the store "
                    + "answered with " + (range == null ? "the whole object" : "the range " + range)
                    + " (it does not serve ranges as S3 does)");
        }
        if (range != null && !range.endsWith("/" + object.size())) {
            closeStream();
            throw new ObjectReplacedException(object, range);
        }
        streamPosition = position;
    }

    /** Drops the open stream without reading the rest of the object (which closing it would). */
    private void closeStream() {
        if (stream != null) {
            stream.abort();
            try {
                stream.close();
            } catch (IOException | SdkException alreadyAborted) {
                // nothing left to release
            }
            stream = null;
        }
    }

    /** Lets its stream (and the stream's connection) go; a read after opens another, as after a jump. */
    @Override
    public synchronized void close() {
        closeStream();
        behind = null;
        behindFilled = 0;
    }
}
