package tmdb.ingestion.checkpoint;

import java.util.Collections;
import java.util.List;

/**
 * A file's progress: every line up to {@code line} is resolved (published, dead-lettered or blank), and reading
 * resumes at byte {@code offset}, where line {@code line + 1} starts. {@code size} and {@code fingerprint} identify
 * the file's first {@code size} bytes (see {@link FileIdentity}). Of the lines after it, up to {@code readUpTo}
 * (the last line read when the checkpoint was taken), all are resolved too except the {@code pending} ones: the
 * mixing stage delivers lines out of order, so a restart skips the resolved ones and sends only the pending ones
 * and those after {@code readUpTo}. A {@code done} checkpoint marks a file whose every line is resolved.
 */
public record Checkpoint(String file, long size, String fingerprint, long line, long offset, long readUpTo,
                         List<Long> pending, boolean done) {

    public Checkpoint {
        pending = List.copyOf(pending);
    }

    /** True for a line after the resume point that was resolved before the checkpoint: not to be sent again. */
    public boolean resolvedBefore(long lineNumber) {
        return lineNumber > line && lineNumber <= readUpTo && Collections.binarySearch(pending, lineNumber) < 0;
    }

    /** Lines the run before had read but not resolved by this checkpoint: they are read and sent again. */
    public long readAgain() {
        return pending.size();
    }
}
