package tmdb.ingestion.loader;

import java.io.IOException;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.checkpoint.FileIdentity;
import tmdb.ingestion.checkpoint.SourcePresence;
import tmdb.ingestion.content.S3ObjectContent;
import tmdb.ingestion.content.StoredObject;

/**
 * Whether an object a finished checkpoint was taken of is still in the bucket, unchanged: one HEAD request, its ETag
 * and size fingerprinted as the checkpoint's were. A missing object (404) is gone; any other failure keeps the
 * checkpoint (nothing is forgotten while the bucket cannot be asked).
 */
public final class BucketPresence implements SourcePresence {

    private static final int NOT_FOUND = 404;

    private final S3Client s3;
    private final String bucket;
    private final String names;

    public BucketPresence(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
        this.names = "s3://" + bucket + "/";
    }

    @Override
    public boolean applies(String file) {
        return file.startsWith(names);
    }

    @Override
    public boolean stillThere(Checkpoint checkpoint) {
        String key = checkpoint.file().substring(names.length());
        try {
            HeadObjectResponse head = s3.headObject(request -> request.bucket(bucket).key(key));
            StoredObject now = new StoredObject(bucket, key, head.contentLength(), head.eTag());
            try (S3ObjectContent content = new S3ObjectContent(s3, now)) {
                return now.size() == checkpoint.size() && FileIdentity.of(checkpoint.file(), content,
                        checkpoint.size()).fingerprint().equals(checkpoint.fingerprint());
            }
        } catch (S3Exception e) {
            return e.statusCode() != NOT_FOUND;
        } catch (SdkException | IOException | IllegalArgumentException e) {
            return true;
        }
    }
}
