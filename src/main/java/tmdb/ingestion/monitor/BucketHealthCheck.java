package tmdb.ingestion.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import tmdb.ingestion.content.ObjectRetries;
import tmdb.ingestion.loader.BucketObjects;

/**
 * Readiness of the bucket read instead of the folders: down while its listing fails (what failed, for how long, and
 * when it is listed again; only the instance that lists, the owner of files partition 0, sees that), and while reads of
 * objects wait to be tried again (each object, what failed, which retry comes next); up once the bucket is listed and
 * every object is read on, or has failed (said in the log).
 */
public final class BucketHealthCheck extends AbstractHealthCheck {

    private final BucketObjects objects;
    private final ObjectRetries retries;
    private final String bucket;

    public BucketHealthCheck(BucketObjects objects, ObjectRetries retries, String bucket) {
        super("tmdb-ingestion", "bucket");
        this.objects = objects;
        this.retries = retries;
        this.bucket = bucket;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("bucket", bucket);
        builder.detail("read.retries", retries.total());
        List<String> problems = new ArrayList<>();
        objects.listingProblem().ifPresent(problems::add);
        retries.current().forEach((object, what) -> problems.add(object + ": " + what));
        if (problems.isEmpty()) {
            builder.up();
        } else {
            builder.down().message(String.join("; ", problems));
        }
    }
}
