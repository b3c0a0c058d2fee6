package tmdb.ingestion.support;

import java.net.URI;
import java.time.Duration;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import static org.awaitility.Awaitility.await;

/**
 * An S3-compatible server in the test JVM (S3Proxy over an in-memory store, on a free loopback port, AWS v4
 * signatures checked), and clients for it. One per test class: a cold start takes a few seconds.
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String ACCESS_KEY = "tmdb-test";
    public static final String SECRET_KEY = "tmdb-test-secret";

    private final S3Proxy proxy;

    private S3ProxyServer(S3Proxy proxy) {
        this.proxy = proxy;
    }

    public static S3ProxyServer start() throws Exception {
        S3Proxy proxy = S3Proxy.builder().blobStore(new TransientNio2BlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> "STARTED".equals(proxy.getState()));
        return new S3ProxyServer(proxy);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** A client as a deployment on an S3-compatible store configures one: endpoint override, path-style access. */
    public S3Client client() {
        return client(SECRET_KEY);
    }

    public S3Client client(String secretKey) {
        return S3Client.builder().endpointOverride(endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY,
                        secretKey)))
                .build();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
