package tmdb.ingestion.file;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.checkpoint.FileIdentity;
import tmdb.ingestion.content.Content;

/**
 * A file's account: how far it was read, how each line admitted ended, and the checkpoint arithmetic that follows.
 * Lines are resolved out of order (the mixing stage shuffles them), so a checkpoint says where reading resumes (before
 * the first unresolved line) and which lines after it were resolved already. Changed by the lifecycle only.
 */
final class FileAccount {

    private ContentFormat format = ContentFormat.PLAIN;
    /** A compressed file's size when it was given to a reader (-1 before): its content is that of those bytes. */
    private long compressedSize = -1;
    private boolean readToEnd;
    private long readOffset;
    private long linesRead;
    private long blankLines;
    private long sizeAtLastRead;
    private String readFailure;

    private long admitted;
    private long published;
    private long deadLettered;
    private long failed;
    /** Lines admitted and not yet resolved (or not delivered), by number, with the offset each starts at. */
    private final TreeMap<Long, Long> unresolved = new TreeMap<>();
    private long lastLineSeen;
    private long afterLastLineSeen;
    private Checkpoint resumedFrom;
    private long lastSavedLine = -1;

    /** Resumes after the checkpoint of a previous run: its resolved lines are not read again. */
    void resumeFrom(Checkpoint checkpoint) {
        resumedFrom = checkpoint;
        readOffset = checkpoint.offset();
        linesRead = checkpoint.line();
        lastLineSeen = checkpoint.line();
        afterLastLineSeen = checkpoint.offset();
        lastSavedLine = checkpoint.line();
    }

    void format(ContentFormat contentFormat) {
        format = contentFormat;
    }

    /** How the file's lines are stored: it decides what the offsets count and when the file may be read. */
    ContentFormat format() {
        return format;
    }

    /** A compressed file was given to a reader at this size (it is quiet, so complete). */
    void readingCompressed(long size) {
        compressedSize = size;
    }

    /**
     * True when the file holds bytes not read yet: past where reading stopped, or, compressed, until a reader went
     * through to the end of its content.
     */
    boolean hasUnread(long size) {
        return format.compressed() ? !readToEnd : size > readOffset;
    }

    /**
     * True when a reader should be given the file now: it has bytes not read, and they are more than an unterminated
     * line that has not changed since the last reading (unless the file is quiet, which makes that line final); a
     * compressed file only once it is quiet.
     */
    boolean mayRead(long size, boolean quiet) {
        return format.compressed() ? !readToEnd && quiet
                : size > readOffset && (size != sizeAtLastRead || quiet);
    }

    /**
     * The file's bytes what was read depends on: those before the last line admitted, or, compressed, the whole file
     * as it was read (0 before it is read). A file shorter than this, or with other first bytes, is another file.
     */
    long bytesHeld() {
        return format.compressed() ? Math.max(0, compressedSize) : bytesAdmitted();
    }

    /** True for a compressed file that changed size after it was given to a reader: its content is another. */
    boolean compressedChangedSince(long size) {
        return format.compressed() && compressedSize >= 0 && size != compressedSize;
    }

    Optional<Checkpoint> resumedFrom() {
        return Optional.ofNullable(resumedFrom);
    }

    /** True when its checkpoint said it was ingested whole, and nothing was read or sent since. */
    boolean ingestedBefore() {
        return resumedFrom != null && resumedFrom.done() && linesRead == resumedFrom.line()
                && published + deadLettered == 0;
    }

    /** Where the next reading starts, and the number of the line before it. */
    long readOffset() {
        return readOffset;
    }

    long linesRead() {
        return linesRead;
    }

    /** The file's size where the last reading ended: an unterminated line that has not changed since waits. */
    long sizeAtLastRead() {
        return sizeAtLastRead;
    }

    /** How far the records read reached, for the metrics: the byte after the last line admitted or passed. */
    long bytesAdmitted() {
        return Math.max(readOffset, afterLastLineSeen);
    }

    long linesAdmitted() {
        return Math.max(linesRead, lastLineSeen);
    }

    /** A chunk of lines went on: its admitted lines wait for their outcomes. */
    void admitted(AdmittedLines lines) {
        for (int i = 0; i < lines.count(); i++) {
            unresolved.put(lines.number(i), lines.offset(i));
        }
        admitted += lines.count();
        if (lines.lastLine() > lastLineSeen) {
            lastLineSeen = lines.lastLine();
            afterLastLineSeen = lines.afterLastLine();
        }
    }

    /**
     * The reader stopped. At the end of the data, the next reading starts where it stopped (blank lines at the end
     * included); when it broke off or was stopped, after the last line admitted or passed, never after one the reader
     * gave that may not have gone on.
     */
    void readEnded(ReadEnd end) {
        blankLines += end.blankLines();
        if (!end.broken() && !end.stoppedEarly() && end.linesRead() >= lastLineSeen) {
            linesRead = end.linesRead();
            readOffset = end.bytesRead();
            lastLineSeen = linesRead;
            afterLastLineSeen = Math.max(afterLastLineSeen, readOffset);
            sizeAtLastRead = end.sizeSeen();
            readToEnd = true;
        } else {
            linesRead = lastLineSeen;
            readOffset = afterLastLineSeen;
            sizeAtLastRead = -1;
        }
    }

    void readFailed(String reason) {
        readFailure = reason;
    }

    String readFailure() {
        return readFailure;
    }

    /** How the file's records in a window ended. */
    void resolve(FileOutcomes outcomes) {
        for (long line : outcomes.published()) {
            if (unresolved.remove(line) != null) {
                published++;
            }
        }
        for (long line : outcomes.deadLettered()) {
            if (unresolved.remove(line) != null) {
                deadLettered++;
            }
        }
        failed += outcomes.notDeliveredCount();
    }

    /** Records admitted and not resolved yet. */
    long outstanding() {
        return admitted - published - deadLettered - failed;
    }

    boolean anyNotDelivered() {
        return failed > 0;
    }

    // --- checkpoints -------------------------------------------------------------------------------------------------

    /**
     * The progress to save, when it moved since the last save: every line before the first unresolved one is
     * resolved (a line not delivered stays unresolved, so the checkpoint never passes it).
     */
    Optional<Checkpoint> progressToSave(String identity, Content content) throws IOException {
        Checkpoint progress = progress(identity, content);
        if (progress.line() == lastSavedLine) {
            return Optional.empty();
        }
        lastSavedLine = progress.line();
        return Optional.of(progress);
    }

    /** The progress once the given lines are resolved too (they are in a transaction about to be committed). */
    Checkpoint progressAssuming(String identity, Content content, Set<Long> lines) throws IOException {
        List<Long> pending = new ArrayList<>();
        long firstOffset = afterLastLineSeen;
        for (Map.Entry<Long, Long> line : unresolved.entrySet()) {
            if (!lines.contains(line.getKey())) {
                if (pending.isEmpty()) {
                    firstOffset = line.getValue();
                }
                pending.add(line.getKey());
            }
        }
        return checkpoint(identity, content, pending, firstOffset, false);
    }

    /** The progress as it stands. */
    Checkpoint progress(String identity, Content content) throws IOException {
        return checkpoint(identity, content, new ArrayList<>(unresolved.keySet()),
                unresolved.isEmpty() ? afterLastLineSeen : unresolved.firstEntry().getValue(), false);
    }

    /** The checkpoint of a file whose every line is resolved. */
    Checkpoint completed(String identity, Content content) throws IOException {
        return checkpoint(identity, content, new ArrayList<>(), afterLastLineSeen, true);
    }

    /** Every line up to this one is resolved. */
    long resolvedThrough() {
        return unresolved.isEmpty() ? lastLineSeen : unresolved.firstKey() - 1;
    }

    /**
     * Resumes before the first pending line (at {@code offset}), or after the last line seen. A resumed file that
     * has not yet reached the previous run's last line carries that run's knowledge on: its pending lines beyond
     * the ones seen, and how far it had read. The fingerprint covers every byte read so far: the bytes a restart
     * relies on when it skips the lines resolved before it.
     */
    private Checkpoint checkpoint(String identity, Content content, List<Long> pending, long offset, boolean done)
            throws IOException {
        long through = pending.isEmpty() ? lastLineSeen : pending.get(0) - 1;
        long readUpTo = lastLineSeen;
        long covered = !format.compressed() ? afterLastLineSeen
                : compressedSize >= 0 ? compressedSize : resumedFrom != null ? resumedFrom.size() : content.size();
        if (resumedFrom != null && resumedFrom.readUpTo() > lastLineSeen) {
            readUpTo = resumedFrom.readUpTo();
            covered = Math.max(covered, resumedFrom.size());
            for (long line : resumedFrom.pending()) {
                if (line > lastLineSeen) {
                    pending.add(line);
                }
            }
        }
        FileIdentity fingerprint = FileIdentity.of(identity, content, covered);
        return new Checkpoint(identity, fingerprint.size(), fingerprint.fingerprint(), through, offset, readUpTo,
                pending, done, format.label());
    }

    // --- what it says ------------------------------------------------------------------------------------------------

    String summary() {
        StringBuilder text = new StringBuilder()
                .append(linesRead).append(" lines: ")
                .append(published).append(" published, ")
                .append(deadLettered).append(" dead-lettered, ")
                .append(blankLines).append(" blank skipped");
        if (failed > 0) {
            text.append(", ").append(failed).append(" NOT delivered");
        }
        if (readFailure != null) {
            text.append("; reading failed after line ").append(linesRead).append(": ").append(readFailure);
        }
        return text.toString();
    }

    long published() {
        return published;
    }

    long deadLettered() {
        return deadLettered;
    }

    long failed() {
        return failed;
    }

    long blankLines() {
        return blankLines;
    }
}
