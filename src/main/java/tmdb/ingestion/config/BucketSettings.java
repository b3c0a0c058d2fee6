package tmdb.ingestion.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Pattern;

import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The bucket read instead of the folders ({@code ingestion.source.s3.*}): its name, the prefix its
 * {@code <type>/<label>/} folders are under, where S3 is (AWS by default; any S3-compatible store by its endpoint),
 * how often it is listed, how many keys a listing page holds, and what becomes of an object once read. Credentials
 * come from the AWS SDK's default chain (environment, system properties, profile, web identity, container or
 * instance role).
 *
 * @param prefix ends with {@code /}, or is empty
 */
public record BucketSettings(String bucket, String prefix, String endpoint, String region, boolean pathStyle,
                             long listIntervalMs, int pageSize, AfterIngest afterIngest) {

    /** S3's rules for a bucket's name (general purpose buckets). */
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    /** The bucket configured, if one is. */
    public static Optional<BucketSettings> from(Settings settings) {
        String bucket = settings.string("ingestion.source.s3.bucket").trim();
        if (bucket.isEmpty()) {
            return Optional.empty();
        }
        if (!BUCKET_NAME.matcher(bucket).matches()) {
            throw new ConfigurationException("ingestion.source.s3.bucket", "is not a bucket name (3 to 63 lower-case "
                    + "letters, digits, dots and hyphens, a letter or digit first and last): " + bucket);
        }
        String prefix = settings.string("ingestion.source.s3.prefix").trim();
        while (prefix.startsWith("/")) {
            prefix = prefix.substring(1);
        }
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        String endpoint = settings.string("ingestion.source.s3.endpoint").trim();
        if (!endpoint.isEmpty()) {
            try {
                URI uri = new URI(endpoint);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new URISyntaxException(endpoint, "not an http or https address");
                }
            } catch (URISyntaxException e) {
                throw new ConfigurationException("ingestion.source.s3.endpoint", "is not an http(s) address with a "
                        + "host: " + endpoint);
            }
        }
        long interval = settings.longValue("ingestion.source.s3.list-interval-ms");
        if (interval < 100) {
            throw new ConfigurationException("ingestion.source.s3.list-interval-ms", "must be at least 100, not "
                    + interval);
        }
        int pageSize = settings.integer("ingestion.source.s3.page-size");
        if (pageSize < 1 || pageSize > 1000) {
            throw new ConfigurationException("ingestion.source.s3.page-size", "must be between 1 and 1000 (S3 "
                    + "answers at most 1000 keys a page), not " + pageSize);
        }
        return Optional.of(new BucketSettings(bucket, prefix, endpoint, settings.string("ingestion.source.s3.region")
                .trim(), settings.bool("ingestion.source.s3.path-style"), interval, pageSize,
                AfterIngest.parse(settings.string("ingestion.source.s3.after-ingest"))));
    }

    /**
     * A client of the bucket's store, with the SDK's default credentials chain (the client owns its HTTP connections
     * and its credentials, until it is closed), once the chain has found credentials.
     *
     * @throws ConfigurationException when the chain finds no credentials
     */
    public S3Client client() {
        try (DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build()) {
            credentials.resolveCredentials();
        } catch (SdkClientException e) {
            throw new ConfigurationException("No credentials for " + uri() + " (ingestion.source.s3.bucket): set "
                    + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or AWS_WEB_IDENTITY_TOKEN_FILE and "
                    + "AWS_ROLE_ARN, or run with a container or instance role. The SDK said: " + e.getMessage());
        }
        var builder = S3Client.builder().forcePathStyle(pathStyle);
        if (!region.isEmpty()) {
            builder.region(Region.of(region));
        }
        if (!endpoint.isEmpty()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    /** How logs name it. */
    public String uri() {
        return "s3://" + bucket + "/" + prefix;
    }

    /** What the deployment's id is derived from: the bucket and prefix, and the store when it is not AWS. */
    public String description() {
        return "bucket " + uri() + (endpoint.isEmpty() ? "" : " at " + endpoint);
    }
}
