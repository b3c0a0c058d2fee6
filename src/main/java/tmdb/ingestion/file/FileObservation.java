package tmdb.ingestion.file;

/**
 * What the tracker saw of a file on disk.
 *
 * @param size             the file's size, through its own channel (so: of the file picked up, wherever it is now)
 * @param inPlace          its path still holds it (same file key), rather than another file or nothing
 * @param modifiedAgoNanos how long ago it was last modified, by its modification time (when it is in place)
 */
public record FileObservation(long size, boolean inPlace, long modifiedAgoNanos) {
}
