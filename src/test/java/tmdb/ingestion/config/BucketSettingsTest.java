package tmdb.ingestion.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bucket with no credentials anywhere in the SDK's default chain is a configuration error that says where to put
 * them, before any request. The chain's files are pointed at nothing and the instance metadata service is off (it is
 * not on the loopback), so that the machine running the test cannot lend it credentials.
 */
class BucketSettingsTest {

    private static final List<String> SDK_PROPERTIES = List.of("aws.sharedCredentialsFile", "aws.configFile",
            "aws.disableEc2Metadata", "aws.accessKeyId", "aws.secretAccessKey", "aws.webIdentityTokenFile",
            "aws.roleArn", "aws.region", "aws.endpointUrlSts");
    private final Map<String, String> before = new HashMap<>();

    @TempDir
    Path dir;

    @BeforeEach
    void noCredentialsAnywhere() {
        SDK_PROPERTIES.forEach(name -> before.put(name, System.getProperty(name)));
        System.setProperty("aws.sharedCredentialsFile", dir.resolve("no-credentials").toString());
        System.setProperty("aws.configFile", dir.resolve("no-config").toString());
        System.setProperty("aws.disableEc2Metadata", "true");
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @AfterEach
    void restore() {
        before.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }

    @Test
    void noCredentialsIsAConfigurationErrorThatSaysWhereTheyGo() {
        BucketSettings bucket = bucket();

        assertThatThrownBy(bucket::client).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("No credentials for s3://tmdb-raw/exports/ (ingestion.source.s3.bucket): set "
                        + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE");
    }

    /**
     * A web identity (a Kubernetes service account's role) is tried with STS, whose module is in the jar: here STS
     * is a closed port, so the chain still finds nothing, but not for want of the module.
     */
    @Test
    void aWebIdentityIsExchangedWithStsWhoseModuleIsThere() throws Exception {
        System.setProperty("aws.webIdentityTokenFile", Files.writeString(dir.resolve("token"), "a-token").toString());
        System.setProperty("aws.roleArn", "arn:aws:iam::123456789012:role/tmdb-ingestion");
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.endpointUrlSts", "http://127.0.0.1:9");
        BucketSettings bucket = bucket();

        assertThatThrownBy(bucket::client).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("No credentials for s3://tmdb-raw/exports/")
                .hasMessageContaining("AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN")
                .hasMessageContaining("WebIdentityTokenFileCredentialsProvider(): Unable to execute HTTP request: "
                        + "Connect to http://127.0.0.1:9")
                .hasMessageNotContaining("must be on the class path");
    }

    private static BucketSettings bucket() {
        Properties properties = new Properties();
        properties.setProperty("ingestion.source.s3.bucket", "tmdb-raw");
        properties.setProperty("ingestion.source.s3.prefix", "exports");
        properties.setProperty("ingestion.source.s3.endpoint", "http://127.0.0.1:9");
        properties.setProperty("ingestion.source.s3.region", "us-east-1");
        properties.setProperty("ingestion.source.s3.path-style", "true");
        properties.setProperty("ingestion.source.s3.list-interval-ms", "10000");
        properties.setProperty("ingestion.source.s3.page-size", "1000");
        properties.setProperty("ingestion.source.s3.after-ingest", "leave");
        DefaultCamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setInitialProperties(properties);
        return BucketSettings.from(new Settings(context)).orElseThrow();
    }
}
