package tmdb.ingestion.loader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.util.AntPathMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import tmdb.ingestion.content.S3Answer;
import tmdb.ingestion.content.StoredObject;

/**
 * Lists the objects of one type and label in a bucket, as a folder's listing lists its files: the objects directly
 * under {@code <prefix><type>/<label>/} whose names match {@code ingestion.file.include} (the same Ant patterns as
 * the folders'), page by page; deeper keys ({@code .done/} and any other "folder") are not the label's, as
 * subfolders are not a folder's. Hidden names (a leading dot: a tool's partial upload) are skipped, as the folders
 * skip them, and so is the label's folder marker (a key ending with {@code /} that some tools write). An object listed
 * without an ETag (some stores' listings of files put there by other means than S3) is skipped and said once.
 */
public final class BucketListing {

    /** S3 answers at most this many keys per listing request. */
    public static final int MAX_PAGE_SIZE = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(BucketListing.class);

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final String[] includes;
    private final int pageSize;
    /** Per folder, the keys its last listing gave without an ETag: each is said once while it stays so. */
    private final Map<String, Set<String>> withoutETag = new ConcurrentHashMap<>();

    /**
     * @param prefix   ends with {@code /}, or is empty for the bucket's root
     * @param includes comma-separated Ant patterns, as {@code ingestion.file.include}
     * @param pageSize keys per listing request, 1 to {@link #MAX_PAGE_SIZE}
     */
    public BucketListing(S3Client s3, String bucket, String prefix, String includes, int pageSize) {
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            throw new IllegalArgumentException("the prefix of bucket " + bucket + " must end with / (or be empty): "
                    + prefix);
        }
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("a listing page holds 1 to " + MAX_PAGE_SIZE + " keys, not "
                    + pageSize);
        }
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
        this.includes = Arrays.stream(includes.split(",")).map(String::trim).filter(pattern -> !pattern.isEmpty())
                .toArray(String[]::new);
        this.pageSize = pageSize;
    }

    /** Where the objects of a type and label are: {@code <prefix><type>/<label>/}. */
    public String folderOf(String type, String label) {
        return prefix + type + "/" + label + "/";
    }

    /**
     * The objects to read of a type and label, in key order.
     *
     * @throws BucketNotListedException when S3 refuses or fails the listing (nothing is known of the folder then)
     */
    public List<StoredObject> list(String type, String label) {
        String folder = folderOf(type, label);
        List<StoredObject> objects = new ArrayList<>();
        Set<String> withoutETagNow = new HashSet<>();
        try {
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(request -> request.bucket(bucket)
                    .prefix(folder).delimiter("/").maxKeys(pageSize))) {
                for (S3Object object : page.contents()) {
                    String name = object.key().substring(folder.length());
                    if (name.isEmpty() || name.startsWith(".")
                            || !AntPathMatcher.INSTANCE.anyMatch(includes, name, true)) {
                        continue;
                    }
                    if (object.eTag() == null || object.eTag().isEmpty() || object.size() == null
                            || object.size() < 0) {
                        withoutETagNow.add(object.key());
                        continue;
                    }
                    objects.add(new StoredObject(bucket, object.key(), object.size(), object.eTag()));
                }
            }
        } catch (SdkException e) {
            throw notListed(folder, e);
        }
        for (String key : withoutETagNow) {
            if (!withoutETag.getOrDefault(folder, Set.of()).contains(key)) {
                LOG.warn("Skipped s3://{}/{}: the store listed it without an ETag or a size, and an object is read "
                        + "only under its ETag (what tells it from another put under its key, and the condition of "
                        + "every read). Nothing of it was read; it is skipped while it is listed so", bucket, key);
            }
        }
        withoutETag.put(folder, withoutETagNow);
        return objects;
    }

    /**
     * Lists one key under the prefix, to learn at the start whether S3 lets the bucket be listed.
     *
     * @throws BucketNotListedException when it does not, or cannot be reached
     */
    public void probe() {
        try {
            s3.listObjectsV2(request -> request.bucket(bucket).prefix(prefix).maxKeys(1));
        } catch (SdkException e) {
            throw notListed(prefix, e);
        }
    }

    private BucketNotListedException notListed(String where, SdkException e) {
        return new BucketNotListedException("s3://" + bucket + "/" + where + " could not be listed: "
                + (e instanceof S3Exception refusal ? S3Answer.of(refusal) : e.getMessage()), e);
    }

    /** A listing that did not complete: S3 refused it (permissions, no such bucket) or could not be reached. */
    public static final class BucketNotListedException extends RuntimeException {
        BucketNotListedException(String message, Throwable cause) {
            super(message, cause);
        }

        /**
         * True when S3 answered with a refusal that asking again will not change (no such bucket, access denied, bad
         * credentials, wrong region), rather than failing or being out of reach.
         */
        public boolean refused() {
            return getCause() instanceof S3Exception s3 && s3.statusCode() >= 300 && s3.statusCode() < 500
                    && s3.statusCode() != 408 && s3.statusCode() != 429;
        }
    }
}
