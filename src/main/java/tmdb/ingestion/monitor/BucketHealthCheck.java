package tmdb.ingestion.monitor;

import java.util.Map;
import java.util.Optional;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import tmdb.ingestion.loader.BucketObjects;

/**
 * Readiness of the bucket read instead of the folders: down while its listing fails (what failed, for how long, and
 * when it is listed again), up once a pass lists it. Only the instance that lists (the owner of files partition 0)
 * can find it down; the others read objects only.
 */
public final class BucketHealthCheck extends AbstractHealthCheck {

    private final BucketObjects objects;
    private final String bucket;

    public BucketHealthCheck(BucketObjects objects, String bucket) {
        super("tmdb-ingestion", "bucket");
        this.objects = objects;
        this.bucket = bucket;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("bucket", bucket);
        Optional<String> problem = objects.listingProblem();
        if (problem.isPresent()) {
            builder.down().message(problem.get());
        } else {
            builder.up();
        }
    }
}
