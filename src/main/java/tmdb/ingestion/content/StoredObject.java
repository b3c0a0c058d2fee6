package tmdb.ingestion.content;

/**
 * One object of a bucket as a listing showed it: what identifies it (an object replaced under its key has another
 * ETag, so it is another object), and how many bytes it has.
 *
 * @param eTag as S3 gives it, quotes included: it is sent back as is in {@code If-Match}
 */
public record StoredObject(String bucket, String key, long size, String eTag) {

    public StoredObject {
        if (bucket == null || bucket.isEmpty() || key == null || key.isEmpty()) {
            throw new IllegalArgumentException("an object needs a bucket and a key: " + bucket + ", " + key);
        }
        if (size < 0) {
            throw new IllegalArgumentException("s3://" + bucket + "/" + key + " has a negative size: " + size);
        }
        if (eTag == null || eTag.isEmpty()) {
            throw new IllegalArgumentException("s3://" + bucket + "/" + key + " has no ETag");
        }
    }

    /** How logs and the {@code source_file} header name it. */
    public String uri() {
        return "s3://" + bucket + "/" + key;
    }
}
