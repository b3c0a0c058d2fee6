package tmdb.ingestion.support;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Clients over a real one whose GETs are counted and can misbehave: streams that break (or end early) after some
 * bytes, a store that ignores ranges, one that refuses deletes, one that lists objects without ETags. Each forwards
 * the requests it names to the real client; closing them leaves it open.
 */
public final class S3Faults {

    /** Means a stream never breaks. */
    public static final int NEVER = Integer.MAX_VALUE;

    private S3Faults() {
    }

    /** Counts its GETs in {@code gets}. */
    public static S3Client counting(S3Client real, AtomicInteger gets) {
        return breaking(real, gets, get -> NEVER, false, new AtomicInteger());
    }

    /**
     * The n-th GET's stream (from 1, counted in {@code gets}) gives the bytes {@code limitOfGet} gives for n, then
     * throws, or ends as if the object ended there; each stream that breaks adds one to {@code breaks}.
     */
    public static S3Client breaking(S3Client real, AtomicInteger gets, IntUnaryOperator limitOfGet,
                                    boolean endsInstead, AtomicInteger breaks) {
        return new Delegating(real) {
            @Override
            public ResponseInputStream<GetObjectResponse> getObject(GetObjectRequest request) {
                int limit = limitOfGet.applyAsInt(gets.incrementAndGet());
                ResponseInputStream<GetObjectResponse> stream = real.getObject(request);
                return new ResponseInputStream<>(stream.response(), AbortableInputStream.create(
                        new Breaking(stream, limit, endsInstead, breaks), stream::abort));
            }
        };
    }

    /** A store that answers every GET with the whole object, whatever range was asked for. */
    public static S3Client ignoringRanges(S3Client real) {
        return new Delegating(real) {
            @Override
            public ResponseInputStream<GetObjectResponse> getObject(GetObjectRequest request) {
                return real.getObject(request.toBuilder().range(null).build());
            }
        };
    }

    /**
     * A store that lets the object be read and copied but refuses to delete it (403), as a bucket whose policy grants
     * no {@code s3:DeleteObject}; the deletes asked are counted.
     */
    public static S3Client refusingDeletes(S3Client real, AtomicInteger deletes) {
        return new Delegating(real) {
            @Override
            public HeadObjectResponse headObject(HeadObjectRequest request) {
                return real.headObject(request);
            }

            @Override
            public CopyObjectResponse copyObject(CopyObjectRequest request) {
                return real.copyObject(request);
            }

            @Override
            public DeleteObjectResponse deleteObject(DeleteObjectRequest request) {
                deletes.incrementAndGet();
                throw (S3Exception) S3Exception.builder().statusCode(403).message("Access Denied")
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied")
                                .errorMessage("Access Denied").build()).build();
            }
        };
    }

    /** A store whose listings give no ETag for the keys that match (as S3Proxy's over files put there by hand). */
    public static S3Client listingWithoutETags(S3Client real, Predicate<String> keys) {
        return new Delegating(real) {
            @Override
            public ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
                ListObjectsV2Response page = real.listObjectsV2(request);
                return page.toBuilder().contents(page.contents().stream().map(object -> keys.test(object.key())
                        ? object.toBuilder().eTag(null).build() : object).toList()).build();
            }
        };
    }

    private abstract static class Delegating implements S3Client {
        private final S3Client real;

        Delegating(S3Client real) {
            this.real = real;
        }

        @Override
        public String serviceName() {
            return real.serviceName();
        }

        @Override
        public void close() {
            // the real client is its owner's to close
        }
    }

    private static final class Breaking extends FilterInputStream {
        private final boolean endsInstead;
        private final AtomicInteger breaks;
        private int left;
        private boolean broken;

        Breaking(InputStream in, int limit, boolean endsInstead, AtomicInteger breaks) {
            super(in);
            this.left = limit;
            this.endsInstead = endsInstead;
            this.breaks = breaks;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                if (!broken) {
                    broken = true;
                    breaks.incrementAndGet();
                }
                if (endsInstead) {
                    return -1;
                }
                throw new IOException("connection reset (test)");
            }
            int read = super.read(b, off, Math.min(len, left));
            if (read > 0) {
                left -= read;
            }
            return read;
        }
    }
}
