package tmdb.ingestion.loader;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import tmdb.ingestion.content.StoredObject;
import tmdb.ingestion.support.S3Faults;
import tmdb.ingestion.support.S3ProxyServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bucket's type and label listed as a folder is, against S3Proxy: the objects directly under the label's prefix
 * that match the file patterns, over several pages, with their sizes and ETags; nothing deeper, no folder marker, no
 * hidden name, no other label; a listing S3 refuses named with its answer, and told at the start from a store out of
 * reach.
 */
class BucketListingIT {

    private static final String BUCKET = "tmdb-landing";
    private static final String INCLUDES = "*.jsonl,*.jsonl.gz,*.jsonl.zst";

    private static S3ProxyServer server;
    private static S3Client s3;
    private static final List<StoredObject> expected = new ArrayList<>();

    @BeforeAll
    static void fillTheBucket() throws Exception {
        server = S3ProxyServer.start();
        s3 = server.client();
        s3.createBucket(request -> request.bucket(BUCKET));
        for (String name : List.of("a.jsonl", "b.jsonl.gz", "c.jsonl.zst", "d.jsonl", "e.jsonl")) {
            expected.add(put("in/movie/new/" + name, "{\"movie_id\": 1}\n" + name));
        }
        for (String key : List.of("in/movie/new/", "in/movie/new/.done/old.jsonl", "in/movie/new/notes.txt", "in/movie/new/.partial.jsonl",
                "in/movie/new/sub/deep.jsonl", "in/movie/newer/f.jsonl", "in/movie/old/g.jsonl",
                "movie/new/outside-the-prefix.jsonl")) {
            put(key, "x\n");
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        s3.close();
        server.close();
    }

    private static StoredObject put(String key, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        String eTag = s3.putObject(request -> request.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes)).eTag();
        return new StoredObject(BUCKET, key, bytes.length, eTag);
    }

    @Test
    void listsTheLabelsObjectsThatMatchOverSeveralPages() {
        BucketListing listing = new BucketListing(s3, BUCKET, "in/", INCLUDES, 2);

        assertThat(listing.folderOf("movie", "new")).isEqualTo("in/movie/new/");
        assertThat(listing.list("movie", "new")).containsExactlyElementsOf(expected);
        assertThat(listing.list("movie", "old")).extracting(StoredObject::uri)
                .containsExactly("s3://tmdb-landing/in/movie/old/g.jsonl");
        assertThat(listing.list("person", "new")).isEmpty();
    }

    @Test
    void anObjectListedWithoutAnETagIsSkipped() {
        BucketListing listing = new BucketListing(S3Faults.listingWithoutETags(s3, key -> key.endsWith("/b.jsonl.gz")),
                BUCKET, "in/", INCLUDES, 2);

        assertThat(listing.list("movie", "new")).extracting(StoredObject::key)
                .containsExactlyElementsOf(expected.stream().map(StoredObject::key)
                        .filter(key -> !key.endsWith("/b.jsonl.gz")).toList());
        assertThat(listing.list("movie", "new")).as("again, said once").hasSize(expected.size() - 1);
    }

    @Test
    void anEmptyPrefixListsFromTheBucketsRoot() {
        BucketListing listing = new BucketListing(s3, BUCKET, "", INCLUDES, 1000);

        assertThat(listing.list("movie", "new")).extracting(StoredObject::key)
                .containsExactly("movie/new/outside-the-prefix.jsonl");
    }

    @Test
    void aListingS3RefusesIsNamed() {
        assertThatThrownBy(() -> new BucketListing(s3, "no-such-bucket", "in/", INCLUDES, 1000).list("movie", "new"))
                .isInstanceOf(BucketListing.BucketNotListedException.class)
                .hasMessage("s3://no-such-bucket/in/movie/new/ could not be listed: S3 answered 404 NoSuchBucket");
        try (S3Client wrongSecret = server.client("not-the-secret")) {
            assertThatThrownBy(() -> new BucketListing(wrongSecret, BUCKET, "in/", INCLUDES, 1000).list("movie", "new"))
                    .isInstanceOf(BucketListing.BucketNotListedException.class)
                    .hasMessageStartingWith("s3://tmdb-landing/in/movie/new/ could not be listed: S3 answered 403");
        }
    }

    @Test
    void theProbeAtTheStartTellsARefusalFromAStoreOutOfReach() throws Exception {
        new BucketListing(s3, BUCKET, "in/", INCLUDES, 1000).probe();
        assertThatThrownBy(() -> new BucketListing(s3, "no-such-bucket", "in/", INCLUDES, 1000).probe())
                .isInstanceOfSatisfying(BucketListing.BucketNotListedException.class, e -> assertThat(e.refused())
                        .as("404 NoSuchBucket").isTrue())
                .hasMessage("s3://no-such-bucket/in/ could not be listed: S3 answered 404 NoSuchBucket");
        try (S3Client wrongSecret = server.client("not-the-secret")) {
            assertThatThrownBy(() -> new BucketListing(wrongSecret, BUCKET, "in/", INCLUDES, 1000).probe())
                    .isInstanceOfSatisfying(BucketListing.BucketNotListedException.class, e -> assertThat(e.refused())
                            .as("403").isTrue());
        }
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (S3Client away = S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + closedPort))
                .forcePathStyle(true).region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))).build()) {
            assertThatThrownBy(() -> new BucketListing(away, BUCKET, "in/", INCLUDES, 1000).probe())
                    .isInstanceOfSatisfying(BucketListing.BucketNotListedException.class, e -> assertThat(e.refused())
                            .as("nothing answered: it is waited for").isFalse())
                    .hasMessageStartingWith("s3://tmdb-landing/in/ could not be listed: ");
        }
    }

    @Test
    void aPageHoldsOneToAThousandKeys() {
        assertThatThrownBy(() -> new BucketListing(s3, BUCKET, "in/", INCLUDES, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a listing page holds 1 to 1000 keys, not 0");
        assertThatThrownBy(() -> new BucketListing(s3, BUCKET, "in/", INCLUDES, 1001))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPrefixMustEndWithASlash() {
        assertThatThrownBy(() -> new BucketListing(s3, BUCKET, "in", INCLUDES, 1000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the prefix of bucket tmdb-landing must end with / (or be empty): in");
    }
}
