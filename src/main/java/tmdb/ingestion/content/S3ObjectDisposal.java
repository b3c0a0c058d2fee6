package tmdb.ingestion.content;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.S3Exception;
import tmdb.ingestion.config.AfterIngest;

/**
 * Deletes or moves settled objects, as {@code ingestion.source.s3.after-ingest} says. A move copies the object under
 * {@code .done/} (or {@code .error/} when it failed) beside itself, on the condition that it is still the object that
 * was read (its ETag), with its content type and metadata and the ETag it was copied from, then deletes it; above
 * 5 GiB, the copy is made in parts, as S3 requires. A failed object is
 * never deleted. S3 has no conditional delete on general purpose buckets: an object put under the key in the
 * milliseconds between the check and the delete would be deleted unread (versioned buckets keep it).
 */
public final class S3ObjectDisposal implements ObjectDisposal, AutoCloseable {

    /** The largest object one CopyObject request copies. */
    public static final long SINGLE_COPY_LIMIT = 5L << 30;
    /** The parts of a larger copy, at least (S3 allows 10,000 parts: larger ones for objects above 5,000 GiB). */
    public static final long COPY_PART_BYTES = 512L << 20;
    private static final int MAX_PARTS = 10_000;
    /** The user metadata a moved copy carries: the ETag of the object it was copied from. */
    static final String SOURCE_ETAG = "tmdb-source-etag";

    private static final int NOT_FOUND = 404;
    private static final int PRECONDITION_FAILED = 412;
    private static final String REPLACED = "left in its bucket: another object was put under its key since it was "
            + "read, and is read as a new object";

    private final S3Client s3;
    private final AfterIngest mode;
    private final long singleCopyLimit;
    private final long partBytes;
    private final ExecutorService requests = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "Object disposal");
        thread.setDaemon(true);
        return thread;
    });

    public S3ObjectDisposal(S3Client s3, AfterIngest mode) {
        this(s3, mode, SINGLE_COPY_LIMIT, COPY_PART_BYTES);
    }

    /** With the copy's limits chosen, so that a test copies a small object in parts. */
    public S3ObjectDisposal(S3Client s3, AfterIngest mode, long singleCopyLimit, long partBytes) {
        this.s3 = s3;
        this.mode = mode;
        this.singleCopyLimit = singleCopyLimit;
        this.partBytes = partBytes;
    }

    @Override
    public CompletableFuture<String> dispose(StoredObject object, boolean ingested) {
        if (mode == AfterIngest.LEAVE || mode == AfterIngest.DELETE && !ingested) {
            return CompletableFuture.completedFuture(LEFT);
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return dispose(object, ingested ? ".done" : ".error");
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, requests);
    }

    /**
     * Deletes or moves the object once a HEAD says it is still the object that was read; one gone or replaced since is
     * left alone, as its answer says.
     */
    private String dispose(StoredObject object, String folder) throws IOException {
        String action = mode == AfterIngest.DELETE ? "delete" : "move";
        try {
            HeadObjectResponse source = s3.headObject(request -> request.bucket(object.bucket()).key(object.key())
                    .ifMatch(object.eTag()));
            if (mode == AfterIngest.DELETE) {
                deleteOriginal(object, "");
                return "deleted from its bucket";
            }
            return move(object, source, folder);
        } catch (S3Exception e) {
            if (e.statusCode() == NOT_FOUND) {
                return "gone from its bucket already";
            }
            if (e.statusCode() == PRECONDITION_FAILED) {
                return REPLACED;
            }
            throw failed(action, object, e);
        } catch (SdkException e) {
            throw failed(action, object, e);
        }
    }

    /** Copies the object under the folder beside itself, with its content type and metadata, then deletes it. */
    private String move(StoredObject object, HeadObjectResponse source, String folder) throws IOException {
        Map<String, String> metadata = new HashMap<>(source.metadata());
        metadata.put(SOURCE_ETAG, object.eTag());
        int slash = object.key().lastIndexOf('/');
        String targetKey = freeKey(object, object.key().substring(0, slash + 1) + folder + "/"
                + object.key().substring(slash + 1));
        if (object.size() <= singleCopyLimit) {
            s3.copyObject(request -> request.sourceBucket(object.bucket()).sourceKey(object.key())
                    .copySourceIfMatch(object.eTag()).destinationBucket(object.bucket())
                    .destinationKey(targetKey).metadataDirective(MetadataDirective.REPLACE)
                    .contentType(source.contentType()).metadata(metadata));
        } else {
            copyInParts(object, targetKey, source.contentType(), metadata);
        }
        String target = "s3://" + object.bucket() + "/" + targetKey;
        deleteOriginal(object, " once it was copied to " + target + " (the copy stays)");
        return "moved to " + target;
    }

    /**
     * The key under the folder: the object's own name, unless another object has it (a collector that reuses names
     * fills {@code .done/} with several objects of one name); a copy of this very object (a move tried before that
     * did not delete: its metadata names the ETag it was copied from) is replaced.
     */
    private String freeKey(StoredObject object, String key) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            String candidate = attempt == 0 ? key : stamped(key, attempt);
            try {
                HeadObjectResponse taken = s3.headObject(request -> request.bucket(object.bucket()).key(candidate));
                if (object.eTag().equals(taken.metadata().get(SOURCE_ETAG))) {
                    return candidate;
                }
            } catch (S3Exception e) {
                if (e.statusCode() == NOT_FOUND) {
                    return candidate;
                }
                throw e;
            }
        }
        throw new IOException("Could not move " + object.uri() + ": 100 objects under its folder have its name");
    }

    private static String stamped(String key, int attempt) {
        int slash = key.lastIndexOf('/');
        int dot = key.indexOf('.', slash + 2);
        String stamp = "." + System.currentTimeMillis() + (attempt > 1 ? "-" + attempt : "");
        return dot > 0 ? key.substring(0, dot) + stamp + key.substring(dot) : key + stamp;
    }

    private void copyInParts(StoredObject object, String targetKey, String contentType, Map<String, String> metadata) {
        String upload = s3.createMultipartUpload(request -> request.bucket(object.bucket()).key(targetKey)
                .contentType(contentType).metadata(metadata)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long part = Math.max(partBytes, (object.size() + MAX_PARTS - 1) / MAX_PARTS);
            for (long start = 0; start < object.size(); start += part) {
                int number = parts.size() + 1;
                String range = "bytes=" + start + "-" + (Math.min(object.size(), start + part) - 1);
                String eTag = s3.uploadPartCopy(request -> request.sourceBucket(object.bucket())
                        .sourceKey(object.key()).copySourceIfMatch(object.eTag()).copySourceRange(range)
                        .destinationBucket(object.bucket()).destinationKey(targetKey).uploadId(upload)
                        .partNumber(number)).copyPartResult().eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(eTag).build());
            }
            s3.completeMultipartUpload(request -> request.bucket(object.bucket()).key(targetKey).uploadId(upload)
                    .multipartUpload(completed -> completed.parts(parts)));
        } catch (SdkException e) {
            try {
                s3.abortMultipartUpload(request -> request.bucket(object.bucket()).key(targetKey).uploadId(upload));
            } catch (SdkException notAborted) {
                e.addSuppressed(notAborted);
            }
            throw e;
        }
    }

    private void deleteOriginal(StoredObject object, String afterWhat) throws IOException {
        try {
            s3.deleteObject(request -> request.bucket(object.bucket()).key(object.key()));
        } catch (SdkException e) {
            String answer = e instanceof S3Exception s3 ? S3Answer.of(s3) : e.getMessage();
            throw new IOException("Could not delete " + object.uri() + afterWhat + ": " + answer, e);
        }
    }

    private static IOException failed(String action, StoredObject object, SdkException e) {
        String answer = e instanceof S3Exception s3 ? S3Answer.of(s3) : e.getMessage();
        return new IOException("Could not " + action + " " + object.uri() + ": " + answer, e);
    }

    @Override
    public void close() {
        requests.shutdownNow();
    }
}
