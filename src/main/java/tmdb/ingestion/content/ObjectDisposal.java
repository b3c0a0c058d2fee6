package tmdb.ingestion.content;

import java.util.concurrent.CompletableFuture;

/**
 * What becomes of an object once it is settled, ingested or failed: left where it is, deleted, or moved. Requests to
 * the store run on the disposal's own threads, never the caller's: the answer is a future.
 */
public interface ObjectDisposal {

    /**
     * Disposes of the object. The future gives where it is now, as a log line ends ("left in its bucket", "deleted
     * from its bucket", "moved to s3://..."); it fails with an {@link java.io.IOException} saying what went wrong when
     * the object could not be disposed of, and the object is then where it was.
     */
    CompletableFuture<String> dispose(StoredObject object, boolean ingested);

    /** How a log line says an object was left. */
    String LEFT = "left in its bucket";

    /** Every object is left in its bucket, with no request. */
    ObjectDisposal LEAVE = (object, ingested) -> CompletableFuture.completedFuture(LEFT);
}
