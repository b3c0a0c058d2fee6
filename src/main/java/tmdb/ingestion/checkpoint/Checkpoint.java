package tmdb.ingestion.checkpoint;

import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A file's progress: every line up to {@code line} is resolved (published, dead-lettered or blank), and reading
 * resumes at byte {@code offset}, where line {@code line + 1} starts. {@code size} and {@code fingerprint} identify
 * the file's first {@code size} bytes (see {@link FileIdentity}). Of the lines after it, up to {@code readUpTo}
 * (the last line read when the checkpoint was taken), all are resolved too except the {@code pending} ones: the
 * mixing stage delivers lines out of order, so a restart skips the resolved ones and sends only the pending ones
 * and those after {@code readUpTo}. A {@code done} checkpoint marks a file whose every line is resolved.
 * <p>
 * The {@code format} is how the file's lines are stored: {@value #PLAIN}, or a compression ({@code gzip},
 * {@code zstd}). A compressed file's {@code offset} is a position in its decompressed content (resuming decompresses
 * up to it), and its {@code size} and {@code fingerprint} cover the whole compressed file: one that changed is
 * another file.
 */
public record Checkpoint(String file, long size, String fingerprint, long line, long offset, long readUpTo,
                         List<Long> pending, boolean done, String format) {

    /** The format of files stored as they are (and of checkpoints written before formats were recorded). */
    public static final String PLAIN = "plain";

    public Checkpoint {
        pending = List.copyOf(pending);
        format = format == null || format.isEmpty() ? PLAIN : format;
    }

    /** A checkpoint of a plain file. */
    public Checkpoint(String file, long size, String fingerprint, long line, long offset, long readUpTo,
                      List<Long> pending, boolean done) {
        this(file, size, fingerprint, line, offset, readUpTo, pending, done, PLAIN);
    }

    /** True when its offset is a position in decompressed content. */
    public boolean compressed() {
        return !PLAIN.equals(format);
    }

    /** True for a line after the resume point that was resolved before the checkpoint: not to be sent again. */
    public boolean resolvedBefore(long lineNumber) {
        return lineNumber > line && lineNumber <= readUpTo && Collections.binarySearch(pending, lineNumber) < 0;
    }

    /** True for a line the previous run had read but not resolved by this checkpoint: it is sent again. */
    public boolean pendingBefore(long lineNumber) {
        return Collections.binarySearch(pending, lineNumber) >= 0;
    }

    /** The lines it says are resolved: every line up to {@code readUpTo} but the pending ones. */
    public long resolvedLines() {
        return readUpTo - pending.size();
    }

    /**
     * True when this checkpoint knows more of the same file than the other: more lines resolved, over at least the
     * bytes the other covers (a later checkpoint of a file's content never resolves fewer lines).
     */
    public boolean supersedes(Checkpoint other) {
        return file.equals(other.file) && format.equals(other.format) && size >= other.size
                && resolvedLines() > other.resolvedLines();
    }

    /**
     * What makes this checkpoint impossible, if anything: a checkpoint read from a topic is data from outside, and
     * one that resumed past the bytes its fingerprint covers (or with line numbers out of order) would skip lines of
     * any file of its name.
     */
    public Optional<String> inconsistency() {
        if (file == null || file.isEmpty()) {
            return Optional.of("it names no file");
        }
        if (fingerprint == null || !fingerprint.matches("[0-9a-f]{32}")) {
            return Optional.of("its fingerprint is not 32 hexadecimal digits");
        }
        if (line < 0 || offset < 0 || size < 0 || readUpTo < line) {
            return Optional.of("its line " + line + ", offset " + offset + ", size " + size + " and read-up-to line "
                    + readUpTo + " do not fit together");
        }
        if (!format.matches("[a-z0-9]{1,16}")) {
            return Optional.of("its format is not a name");
        }
        if (offset > size && !compressed()) {
            return Optional.of("it resumes at byte " + offset + ", beyond the " + size + " bytes its fingerprint "
                    + "covers");
        }
        if (line > 0 && offset == 0) {
            return Optional.of("it says " + line + " lines are resolved but resumes at byte 0");
        }
        long previous = line;
        for (long pendingLine : pending) {
            if (pendingLine <= previous || pendingLine > readUpTo) {
                return Optional.of("its pending lines are not increasing between line " + line + " and line "
                        + readUpTo);
            }
            previous = pendingLine;
        }
        return Optional.empty();
    }
}
