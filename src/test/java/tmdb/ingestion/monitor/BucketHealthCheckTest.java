package tmdb.ingestion.monitor;

import java.util.List;
import java.util.Map;

import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import tmdb.ingestion.content.ObjectRetries;
import tmdb.ingestion.content.StoredObject;
import tmdb.ingestion.loader.BucketObjects;

import static org.assertj.core.api.Assertions.assertThat;

/** The bucket's readiness names each object whose read waits for a retry, and is up again once none does. */
class BucketHealthCheckTest {

    @Test
    void downWhileAnObjectWaitsForARetryNamingItUpOnceItIsReadOn() throws Exception {
        ObjectRetries retries = new ObjectRetries();
        BucketObjects objects = new BucketObjects(null, List.of(), null, 10_000);
        BucketHealthCheck check = new BucketHealthCheck(objects, retries, "s3://raw/exports/");
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            check.setCamelContext(context);
            StoredObject object = new StoredObject("raw", "exports/movie/new/a.jsonl", 100, "\"e1\"");

            assertThat(check.call(Map.of()).getState()).isEqualTo(HealthCheck.State.UP);
            retries.retrying(object, "reading at byte 40 failed: S3 answered 503; retry 2 of 6 in 1000 ms");
            HealthCheck.Result waiting = check.call(Map.of());
            assertThat(waiting.getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat(waiting.getMessage()).get().isEqualTo("s3://raw/exports/movie/new/a.jsonl: reading at byte 40 "
                    + "failed: S3 answered 503; retry 2 of 6 in 1000 ms");
            assertThat(waiting.getDetails()).containsEntry("read.retries", 1L);

            retries.over(object);
            assertThat(check.call(Map.of()).getState()).isEqualTo(HealthCheck.State.UP);
        }
    }
}
