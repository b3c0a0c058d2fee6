package tmdb.ingestion;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import tmdb.ingestion.checkpoint.KafkaCheckpointStore;
import tmdb.ingestion.config.BucketSettings;
import tmdb.ingestion.config.ConfigurationException;
import tmdb.ingestion.config.FolderRoutes.FolderRoute;
import tmdb.ingestion.content.ObjectRetries;
import tmdb.ingestion.content.S3ObjectContent;
import tmdb.ingestion.content.S3ObjectDisposal;
import tmdb.ingestion.file.ClaimCheck;
import tmdb.ingestion.file.FileLifecycle;
import tmdb.ingestion.loader.BucketListing;
import tmdb.ingestion.loader.BucketObjects;
import tmdb.ingestion.loader.BucketPresence;
import tmdb.ingestion.monitor.BucketHealthCheck;

/**
 * The bucket read instead of the folders, wired into the pipeline: its client (closed when the application stops),
 * the claim check that accepts its objects, its listing (probed at the start) and the presence check that keeps its
 * objects' finished checkpoints.
 */
final class BucketSource {

    private static final Logger LOG = LoggerFactory.getLogger(BucketSource.class);
    /** Claimed objects whose first bytes are read at once: a GET each, a few KiB. */
    private static final int PROBE_THREADS = 4;

    private final BucketSettings settings;
    private final S3Client s3;
    private final S3ObjectDisposal disposal;
    private final ExecutorService probes;
    /** The objects whose reads wait for a retry now, for readiness. */
    private final ObjectRetries retries = new ObjectRetries();

    private BucketSource(BucketSettings settings, S3Client s3, S3ObjectDisposal disposal, ExecutorService probes) {
        this.settings = settings;
        this.s3 = s3;
        this.disposal = disposal;
        this.probes = probes;
    }

    /**
     * Its client, once the credentials chain found credentials, the disposal of settled objects and the threads that
     * read claimed objects' first bytes; the application's stop closes them.
     */
    static BucketSource open(BucketSettings settings, CamelContext context) throws Exception {
        S3Client s3 = settings.client();
        S3ObjectDisposal disposal = new S3ObjectDisposal(s3, settings.afterIngest());
        ExecutorService probes = Executors.newFixedThreadPool(PROBE_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "Object probe");
            thread.setDaemon(true);
            return thread;
        });
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                probes.shutdownNow();
                disposal.close();
                s3.close();
            }
        }, true, true);
        return new BucketSource(settings, s3, disposal, probes);
    }

    /** The claim check, for announcements of this bucket's objects (and no more of files). */
    ClaimCheck claimCheck(ClaimCheck folders) {
        return folders.withBucket(new ClaimCheck.Bucket(settings.bucket(), settings.prefix(),
                object -> new S3ObjectContent(s3, object, retries), disposal, probes));
    }

    /**
     * Probes the listing, binds what the listing route uses and shows its failures in readiness; keeps the finished
     * checkpoints of objects still in the bucket.
     */
    void bind(CamelContext context, String include, List<FolderRoute> folders, FileLifecycle files,
              KafkaCheckpointStore checkpoints) {
        BucketListing listing = new BucketListing(s3, settings.bucket(), settings.prefix(), include,
                settings.pageSize());
        probe(listing);
        BucketObjects objects = new BucketObjects(listing, folders, files, settings.listIntervalMs());
        context.getRegistry().bind("bucketObjects", objects);
        context.getRegistry().bind("bucketListingPolicy", new RoutePolicySupport() {
            @Override
            public void onStop(Route route) {
                objects.listingStopped();
            }
        });
        HealthCheckRegistry readiness = HealthCheckHelper.getHealthCheckRegistry(context);
        if (readiness != null) {
            readiness.register(new BucketHealthCheck(objects, retries, settings.uri()));
        }
        checkpoints.keepWhilePresent(new BucketPresence(s3, settings.bucket()));
    }

    /**
     * A bucket S3 refuses to list is a configuration error, said at the start; one out of reach is waited for (its
     * listing is tried again at every pass).
     */
    private static void probe(BucketListing listing) {
        try {
            listing.probe();
        } catch (BucketListing.BucketNotListedException e) {
            if (e.refused()) {
                throw new ConfigurationException(e.getMessage() + ". Check ingestion.source.s3.bucket, "
                        + "ingestion.source.s3.region (or endpoint) and that the credentials may list the bucket "
                        + "(s3:ListBucket) and read its objects (s3:GetObject).");
            }
            LOG.warn("{}. It is listed again every ingestion.source.s3.list-interval-ms until it answers",
                    e.getMessage());
        }
    }
}
