package tmdb.ingestion.file;

/** Where the lifecycle hands a file to a reader: the reading route's queue. */
public interface ReadDispatch {

    /** Queues the grant for a reader; false when it could not be queued (the lifecycle tries again later). */
    boolean offer(ReadGrant grant);
}
