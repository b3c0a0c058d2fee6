package tmdb.ingestion.file;

/**
 * Where a file is in its lifecycle, every state it can be in; the transitions between them are
 * {@link FileTransitions}. A file is read as it grows: reaching its end does not finish it.
 */
public enum FileState {
    /** Announced in a files partition this instance owns; not opened yet (its path may still hold another file). */
    CLAIMED,
    /** Opened and identified, resumed after its checkpoint when it has one; waits for a reader. */
    READ_REQUESTED,
    /** A reader is reading it, from where reading stopped last. */
    READING,
    /** Read to its current end; waits for its records' outcomes, for more lines, or for the file to be quiet. */
    CAUGHT_UP,
    /** Every line resolved and quiet: its final checkpoint is being saved, then it moves to {@code .done/}. */
    SETTLING,
    /**
     * Moved to {@code .done/} and watched for one quiet period more: lines a writer that kept the file open still
     * appends are read from there.
     */
    MOVED,
    /** Reading failed; it fails once the records read before the failure are resolved. */
    READ_FAILED,
    /** A record could not be delivered, or reading failed: its checkpoint is being saved, then it moves to {@code .error/}. */
    FAILING,
    /**
     * Its partition goes to another instance, or the application stops: its reader stops, its records get a while
     * to be resolved, then its checkpoint is saved for whoever reads it next.
     */
    HANDING_OVER,
    /** Ended: every line was published, dead-lettered or skipped. */
    DONE,
    /** Ended: reading failed, or a record could not be delivered; moved to {@code .error/}. */
    FAILED,
    /** Ended here: handed over to another instance or to the next start, which resumes it after its checkpoint. */
    INTERRUPTED,
    /**
     * Ended: its content was replaced in place (its first bytes changed, or it shrank); the new content is read from
     * its start as a new file, and what was published of the old stays published.
     */
    REWRITTEN,
    /** Ended before it was opened: its file is gone, its partition was handed over, or the application stopped. */
    DROPPED;

    /** True once the file's lifecycle has ended here: nothing more happens to it. */
    public boolean ended() {
        return this == DONE || this == FAILED || this == INTERRUPTED || this == REWRITTEN || this == DROPPED;
    }

    /** True while the file still needs this instance: opened, and not ended nor only watched for late lines. */
    public boolean unsettled() {
        return this != CLAIMED && this != MOVED && !ended();
    }
}
