package tmdb.ingestion.file;

/** What happens to a file; with its state, it decides the next state ({@link FileTransitions}). */
public enum FileEvent {
    /** Its path holds a readable file of the folders, and it was identified (its checkpoint looked up). */
    OPENED,
    /** It could not be read at all (not JSON lines, say). */
    OPEN_FAILED,
    /** Its claim ends before it was opened: the file is gone, or the partition or the application goes. */
    DROPPED,
    /** A reader takes it. */
    READER_STARTED,
    /** The reader read to the file's current end (or stopped where asked). */
    READ_ENDED,
    /** Reading failed. */
    READ_FAILED,
    /** It has new lines to read (it grew, or its unterminated last line is final now). */
    GREW,
    /** Its content was replaced in place. */
    REWRITTEN,
    /** Every line is resolved and it has been quiet long enough. */
    RESOLVED_AND_QUIET,
    /** Every record read is resolved, and one of them could not be delivered, or reading had failed. */
    RESOLVED_WITH_FAILURES,
    /** Its final checkpoint is saved and it was moved: to {@code .done/} (and is watched) or {@code .error/}. */
    MOVED,
    /** Its final checkpoint is saved; it was not moved (moved before, its path holds another file, or a move failed). */
    SETTLED_IN_PLACE,
    /** Settling was given up for now: the checkpoint could not be saved, or the file changed meanwhile. */
    SETTLING_ABANDONED,
    /** A moved file got late lines. */
    LATE_LINES,
    /** A moved file stayed quiet for a quiet period more. */
    WATCH_ENDED,
    /** Its partition goes to another instance, or the application stops. */
    RELEASED,
    /** Its records are resolved (or their time is up) and its checkpoint saved: it is let go. */
    LET_GO
}
