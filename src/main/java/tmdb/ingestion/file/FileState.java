package tmdb.ingestion.file;

/**
 * Where a file is in its lifecycle. A file is read as it grows: reaching its end does not finish it.
 * <pre>
 * DISCOVERED -> READING -> CAUGHT_UP -> READING -> ... -> DONE, or MOVED (watched for late lines) -> DONE
 *                  |            '-> FAILED (a record could not be delivered)
 *                  '-> READ_FAILED -> FAILED
 * any state before a settled one -> INTERRUPTED (the application stopped)
 * </pre>
 */
public enum FileState {
    /** Picked up from its folder; not identified yet. */
    DISCOVERED,
    /** A reader is reading it. */
    READING,
    /** Read to its current end; waits for its records' outcomes, for more lines, or for the file to be quiet. */
    CAUGHT_UP,
    /** Reading failed; settles as {@link #FAILED} once the records read before the failure are resolved. */
    READ_FAILED,
    /**
     * Settled and moved to {@code .done/}, and watched for a quiet period more: lines a writer that kept the file
     * open still appends are read from there.
     */
    MOVED,
    /** Settled: every line was published, dead-lettered or skipped. */
    DONE,
    /** Settled: reading failed, or a record could not be delivered; moved to {@code .error/}. */
    FAILED,
    /** Settled: the application stopped first; the file stays in place and resumes at the next start. */
    INTERRUPTED;

    /** True once the file's account is final (a moved file may still get late lines, read from where it lies). */
    public boolean isSettled() {
        return this == MOVED || this == DONE || this == FAILED || this == INTERRUPTED;
    }
}
