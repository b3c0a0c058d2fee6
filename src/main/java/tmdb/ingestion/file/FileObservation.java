package tmdb.ingestion.file;

/**
 * What the lifecycle saw of a file on disk.
 *
 * @param size           the file's size, through its own channel (so: of the file picked up, wherever it is now)
 * @param inPlace        its path still holds it (same file key), rather than another file or nothing
 * @param modifiedMillis its modification time, epoch milliseconds, while it is in place; -1 otherwise
 */
record FileObservation(long size, boolean inPlace, long modifiedMillis) {
}
