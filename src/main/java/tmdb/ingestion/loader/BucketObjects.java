package tmdb.ingestion.loader;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.config.FolderRoutes.FolderRoute;
import tmdb.ingestion.content.StoredObject;
import tmdb.ingestion.file.FileLifecycle;
import tmdb.ingestion.file.ListedObject;

/**
 * The bucket listing route's steps: lists the objects of every watched type and label, keeps those the lifecycle
 * says are to be announced (not announced yet under that ETag), and tells it once an announcement is sent. A pass is
 * whole or nothing: a type and label whose listing fails ends it with nothing announced, and the next pass starts
 * over, once the failure's back-off has passed ({@link ListingFailures}).
 */
public final class BucketObjects {

    private static final Logger LOG = LoggerFactory.getLogger(BucketObjects.class);

    private final BucketListing listing;
    private final List<FolderRoute> folders;
    private final FileLifecycle lifecycle;
    private final ListingFailures failures;

    public BucketObjects(BucketListing listing, List<FolderRoute> folders, FileLifecycle lifecycle,
                         long listIntervalMs) {
        this.listing = listing;
        this.folders = List.copyOf(folders);
        this.lifecycle = lifecycle;
        this.failures = new ListingFailures(listIntervalMs);
    }

    /** False while a failed listing's back-off lasts: the pass is skipped. */
    public boolean due() {
        return failures.due(System.nanoTime());
    }

    /** While the bucket cannot be listed: what failed, since when, and when it is listed again (for readiness). */
    public Optional<String> listingProblem() {
        return failures.problem(System.nanoTime());
    }

    /**
     * The objects to announce, of every type and label in turn.
     *
     * @throws BucketListing.BucketNotListedException when a listing fails
     * @throws IllegalStateException                  when the lifecycle does not answer
     */
    public List<ListedObject> toAnnounce() {
        List<ListedObject> pass = new ArrayList<>();
        for (FolderRoute folder : folders) {
            for (StoredObject object : listing.list(folder.type(), folder.label())) {
                pass.add(new ListedObject(object, folder.type(), folder.label()));
            }
        }
        List<ListedObject> toAnnounce = lifecycle.objectsToAnnounce(pass).orElseThrow(() -> new IllegalStateException(
                "the files' lifecycle did not answer which of the " + pass.size() + " objects listed are new"));
        String recovered = failures.listed(System.nanoTime());
        if (recovered != null) {
            LOG.info(recovered);
        }
        return toAnnounce;
    }

    /** The listing route stopped here: its failures are no longer this instance's to show (see ListingFailures). */
    public void listingStopped() {
        failures.reset();
    }

    /** The announcement of the listed object (the body) was sent. */
    public void announced(ListedObject listed) {
        lifecycle.objectAnnounced(listed.object());
    }

    /** A pass failed (the listing, or the lifecycle's answer): said at once, then once a minute while it lasts. */
    public void passFailed(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String line = failures.failed(failure == null ? "A listing of the bucket failed" : failure.getMessage(),
                System.nanoTime());
        if (line != null) {
            LOG.warn(line);
        }
    }

    /** The announcement of a listed object could not be sent: the next pass announces it again. */
    public void notAnnounced(Exchange exchange) {
        ListedObject listed = exchange.getProperty(FileAnnouncements.OBJECT_ANNOUNCED, ListedObject.class);
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.warn("Could not announce {} on the files topic: {}. It is announced again at the next listing",
                listed == null ? "an object" : listed.object().uri(), failure == null ? "" : failure.getMessage());
    }
}
