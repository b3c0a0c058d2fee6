package tmdb.ingestion.content;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.S3Object;
import tmdb.ingestion.config.AfterIngest;
import tmdb.ingestion.support.S3Faults;
import tmdb.ingestion.support.S3ProxyServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What becomes of a settled object, against a real S3-compatible server (S3Proxy in this JVM): deleted or moved under
 * {@code .done/} once ingested, moved under {@code .error/} or left once failed, never touched once replaced, and a
 * refusal named with the store's answer while the object stays.
 */
class S3ObjectDisposalIT {

    private static final String BUCKET = "tmdb-disposal";
    private static final Duration ANSWER = Duration.ofSeconds(30);

    private static S3ProxyServer server;
    private static S3Client s3;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start();
        s3 = server.client();
        s3.createBucket(request -> request.bucket(BUCKET));
    }

    @AfterAll
    static void stopServer() throws Exception {
        s3.close();
        server.close();
    }

    private static StoredObject put(String key, String text) {
        return put(key, text.getBytes(StandardCharsets.UTF_8));
    }

    private static StoredObject put(String key, byte[] bytes) {
        String eTag = s3.putObject(request -> request.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes)).eTag();
        return new StoredObject(BUCKET, key, bytes.length, eTag);
    }

    private static List<String> keysUnder(String prefix) {
        return s3.listObjectsV2(request -> request.bucket(BUCKET).prefix(prefix)).contents().stream()
                .map(S3Object::key).sorted().toList();
    }

    private static String text(String key) {
        return s3.getObjectAsBytes(request -> request.bucket(BUCKET).key(key)).asUtf8String();
    }

    private static String answer(CompletableFuture<String> disposal) throws Exception {
        return disposal.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void leaveMakesNoRequestAndDeleteLeavesAFailedObject() throws Exception {
        StoredObject object = put("leave/movie/new/a.jsonl", "{\"movie_id\": 1}\n");
        AtomicInteger deletes = new AtomicInteger();
        S3Client refusing = S3Faults.refusingDeletes(s3, deletes);
        try (S3ObjectDisposal leave = new S3ObjectDisposal(refusing, AfterIngest.LEAVE);
             S3ObjectDisposal delete = new S3ObjectDisposal(refusing, AfterIngest.DELETE)) {
            CompletableFuture<String> left = leave.dispose(object, true);
            CompletableFuture<String> failedLeft = delete.dispose(object, false);

            assertThat(left).isCompletedWithValue("left in its bucket");
            assertThat(failedLeft).isCompletedWithValue("left in its bucket");
        }
        assertThat(deletes).hasValue(0);
        assertThat(keysUnder("leave/")).containsExactly("leave/movie/new/a.jsonl");
    }

    @Test
    void deleteRemovesTheObjectReadAndNothingElse() throws Exception {
        StoredObject read = put("delete/movie/new/a.jsonl", "{\"movie_id\": 1}\n");
        StoredObject replaced = put("delete/movie/new/b.jsonl", "{\"movie_id\": 2}\n");
        put("delete/movie/new/b.jsonl", "{\"movie_id\": 2, \"put\": \"again\"}\n");
        StoredObject gone = new StoredObject(BUCKET, "delete/movie/new/c.jsonl", 10, "\"0123\"");
        try (S3ObjectDisposal delete = new S3ObjectDisposal(s3, AfterIngest.DELETE)) {
            assertThat(answer(delete.dispose(read, true))).isEqualTo("deleted from its bucket");
            assertThat(answer(delete.dispose(replaced, true))).startsWith("left in its bucket: another object was "
                    + "put under its key since it was read");
            assertThat(answer(delete.dispose(gone, true))).isEqualTo("gone from its bucket already");
        }
        assertThat(keysUnder("delete/")).containsExactly("delete/movie/new/b.jsonl");
        assertThat(text("delete/movie/new/b.jsonl")).contains("again");
    }

    @Test
    void moveCopiesUnderDoneOrErrorBesideItselfThenDeletes() throws Exception {
        byte[] text = "{\"tv_series_id\": 1}\n".getBytes(StandardCharsets.UTF_8);
        String eTag = s3.putObject(request -> request.bucket(BUCKET).key("move/tv_series/old/a.jsonl")
                .contentType("application/x-ndjson").metadata(Map.of("exported-by", "collector")),
                RequestBody.fromBytes(text)).eTag();
        StoredObject ingested = new StoredObject(BUCKET, "move/tv_series/old/a.jsonl", text.length, eTag);
        StoredObject failed = put("move/tv_series/old/b.jsonl", "{\"tv_series_id\": 2}\n");
        try (S3ObjectDisposal move = new S3ObjectDisposal(s3, AfterIngest.MOVE)) {
            assertThat(answer(move.dispose(ingested, true)))
                    .isEqualTo("moved to s3://tmdb-disposal/move/tv_series/old/.done/a.jsonl");
            assertThat(answer(move.dispose(failed, false)))
                    .isEqualTo("moved to s3://tmdb-disposal/move/tv_series/old/.error/b.jsonl");
        }
        assertThat(keysUnder("move/")).containsExactly("move/tv_series/old/.done/a.jsonl",
                "move/tv_series/old/.error/b.jsonl");
        assertThat(text("move/tv_series/old/.done/a.jsonl")).isEqualTo("{\"tv_series_id\": 1}\n");
        HeadObjectResponse copy = s3.headObject(request -> request.bucket(BUCKET)
                .key("move/tv_series/old/.done/a.jsonl"));
        assertThat(copy.contentType()).as("the content type kept").isEqualTo("application/x-ndjson");
        assertThat(copy.metadata()).as("the metadata kept, and the ETag it was copied from")
                .containsEntry("exported-by", "collector").containsEntry(S3ObjectDisposal.SOURCE_ETAG, eTag);
    }

    @Test
    void aMovedObjectTakesAFreeNameUnderDoneAndAMoveTriedAgainReplacesItsOwnCopy() throws Exception {
        put("names/person/new/.done/a.jsonl", "{\"person_id\": 0}\n");
        StoredObject reused = put("names/person/new/a.jsonl", "{\"person_id\": 1}\n");
        StoredObject retried = put("names/person/new/b.jsonl", "{\"person_id\": 2}\n");
        // a move tried before, whose delete failed: its copy names the ETag it was copied from
        s3.copyObject(request -> request.sourceBucket(BUCKET).sourceKey(retried.key()).destinationBucket(BUCKET)
                .destinationKey("names/person/new/.done/b.jsonl").metadataDirective(MetadataDirective.REPLACE)
                .metadata(Map.of(S3ObjectDisposal.SOURCE_ETAG, retried.eTag())));
        try (S3ObjectDisposal move = new S3ObjectDisposal(s3, AfterIngest.MOVE)) {
            assertThat(answer(move.dispose(reused, true)))
                    .matches("moved to s3://tmdb-disposal/names/person/new/\\.done/a\\.\\d+\\.jsonl");
            assertThat(answer(move.dispose(retried, true)))
                    .isEqualTo("moved to s3://tmdb-disposal/names/person/new/.done/b.jsonl");
        }
        List<String> keys = keysUnder("names/");
        assertThat(keys).hasSize(3).contains("names/person/new/.done/a.jsonl", "names/person/new/.done/b.jsonl")
                .allMatch(key -> key.startsWith("names/person/new/.done/"));
        assertThat(text("names/person/new/.done/a.jsonl")).as("the older copy kept").contains("\"person_id\": 0");
    }

    @Test
    void anObjectAboveTheSingleCopyLimitIsCopiedInParts() throws Exception {
        byte[] big = new byte[(11 << 20) + 123];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        StoredObject object = put("parts/movie/old/big.jsonl", big);
        try (S3ObjectDisposal move = new S3ObjectDisposal(s3, AfterIngest.MOVE, 1 << 20, 5 << 20)) {
            assertThat(answer(move.dispose(object, true)))
                    .isEqualTo("moved to s3://tmdb-disposal/parts/movie/old/.done/big.jsonl");
        }
        assertThat(keysUnder("parts/")).containsExactly("parts/movie/old/.done/big.jsonl");
        byte[] copied = s3.getObjectAsBytes(request -> request.bucket(BUCKET).key("parts/movie/old/.done/big.jsonl"))
                .asByteArray();
        assertThat(copied).isEqualTo(big);
        assertThat(s3.headObject(request -> request.bucket(BUCKET).key("parts/movie/old/.done/big.jsonl")).metadata())
                .containsEntry(S3ObjectDisposal.SOURCE_ETAG, object.eTag());
        assertThat(s3.listMultipartUploads(request -> request.bucket(BUCKET)).uploads()).isEmpty();
    }

    @Test
    void aRefusedDeleteIsNamedWithTheAnswerAndTheObjectStays() throws Exception {
        StoredObject deleted = put("refused/movie/change/a.jsonl", "{\"movie_id\": 1}\n");
        StoredObject moved = put("refused/movie/change/b.jsonl", "{\"movie_id\": 2}\n");
        AtomicInteger deletes = new AtomicInteger();
        S3Client refusing = S3Faults.refusingDeletes(s3, deletes);
        try (S3ObjectDisposal delete = new S3ObjectDisposal(refusing, AfterIngest.DELETE);
             S3ObjectDisposal move = new S3ObjectDisposal(refusing, AfterIngest.MOVE)) {
            assertThatThrownBy(() -> answer(delete.dispose(deleted, true))).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(java.io.IOException.class)
                    .hasMessage("Could not delete s3://tmdb-disposal/refused/movie/change/a.jsonl: S3 answered 403 "
                            + "AccessDenied");
            assertThatThrownBy(() -> answer(move.dispose(moved, true))).cause()
                    .hasMessage("Could not delete s3://tmdb-disposal/refused/movie/change/b.jsonl once it was copied "
                            + "to s3://tmdb-disposal/refused/movie/change/.done/b.jsonl (the copy stays): S3 answered "
                            + "403 AccessDenied");
        }
        assertThat(deletes).hasValue(2);
        assertThat(keysUnder("refused/")).containsExactly("refused/movie/change/.done/b.jsonl",
                "refused/movie/change/a.jsonl", "refused/movie/change/b.jsonl");
    }
}
