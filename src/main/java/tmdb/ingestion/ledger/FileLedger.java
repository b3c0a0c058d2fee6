package tmdb.ingestion.ledger;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.checkpoint.FileIdentity;
import tmdb.ingestion.loader.JsonlLineReader;
import tmdb.ingestion.loader.SourceLine;

/**
 * The accounting of one source file: how many of its records were admitted into the pipeline and how each one
 * ended. The file is settled when it has been read to its end (or failed or was interrupted) and every admitted
 * record is resolved: only then may it be moved out of the watched folder.
 */
public final class FileLedger {

    /** How a settled file ended. */
    public enum Outcome {
        /** Every line was published, dead-lettered or skipped. */
        DONE,
        /** Reading failed or at least one record could not be delivered. */
        FAILED,
        /** The application stopped before the file was read to its end. */
        INTERRUPTED
    }

    private final Path file;
    private final String identity;
    private final String type;
    private final String label;

    private long admitted;
    private long published;
    private long deadLettered;
    private long failed;
    private long linesRead;
    private long blankLines;
    private boolean readingEnded;
    private boolean interrupted;
    private String readFailure;
    private boolean settled;
    private volatile JsonlLineReader reader;

    private volatile FileIdentity fileIdentity;
    private Checkpoint resumedFrom;
    /** Lines admitted and not yet resolved (or not delivered), by number, with the offset each starts at. */
    private final TreeMap<Long, Long> unresolved = new TreeMap<>();
    private long lastAdmittedLine;
    private long afterLastAdmitted;
    private long lastSavedLine = -1;

    public FileLedger(Path file, String identity, String type, String label) {
        this.file = file;
        this.identity = identity;
        this.type = type;
        this.label = label;
    }

    public Path file() {
        return file;
    }

    /** The file's path relative to the data folder, e.g. {@code movie/new/part-0001.jsonl}. */
    public String identity() {
        return identity;
    }

    public String type() {
        return type;
    }

    public String label() {
        return label;
    }

    /** The file is being read by this reader (after {@link #identified}, whose size is what there is to read). */
    public void readingWith(JsonlLineReader lineReader) {
        reader = lineReader;
    }

    /** Bytes of the file not read yet. */
    public long bytesLeft() {
        JsonlLineReader current = reader;
        FileIdentity identity = fileIdentity;
        long size = identity == null ? 0 : identity.size();
        return current == null ? size : Math.max(0, size - current.bytesRead());
    }

    /** Lines not read yet, estimated from the mean length of the lines read so far. */
    public long linesLeftEstimate() {
        JsonlLineReader current = reader;
        if (current == null || current.linesRead() == 0 || current.bytesRead() == 0) {
            return 0;
        }
        return Math.round(bytesLeft() * (double) current.linesRead() / current.bytesRead());
    }

    /** The file's identity, and the checkpoint reading resumes from (when it does). */
    public synchronized void identified(FileIdentity identity, Checkpoint checkpoint) {
        fileIdentity = identity;
        resumedFrom = checkpoint;
        if (checkpoint != null) {
            lastAdmittedLine = checkpoint.line();
            afterLastAdmitted = checkpoint.offset();
            lastSavedLine = checkpoint.line();
        }
    }

    public synchronized Optional<Checkpoint> resumedFrom() {
        return Optional.ofNullable(resumedFrom);
    }

    public synchronized void admitted(SourceLine line) {
        admitted++;
        unresolved.put(line.number(), line.offset());
        lastAdmittedLine = line.number();
        afterLastAdmitted = line.nextOffset();
    }

    /** Returns true when this resolution settles the file. */
    public synchronized boolean published(long line) {
        published++;
        unresolved.remove(line);
        return settleIfComplete();
    }

    public synchronized boolean deadLettered(long line) {
        deadLettered++;
        unresolved.remove(line);
        return settleIfComplete();
    }

    /**
     * The progress to save, when it moved since the last save: every line before the first unresolved one is
     * resolved (a line not delivered stays unresolved, so the checkpoint never passes it).
     */
    public synchronized Optional<Checkpoint> progressToSave() {
        if (fileIdentity == null) {
            return Optional.empty();
        }
        Checkpoint progress = checkpoint(false);
        if (progress.line() == lastSavedLine) {
            return Optional.empty();
        }
        lastSavedLine = progress.line();
        return Optional.of(progress);
    }

    /**
     * The progress once the given lines are resolved too (they are in a transaction about to be committed), or
     * empty before the file is identified.
     */
    public synchronized Optional<Checkpoint> progressAssuming(Set<Long> lines) {
        if (fileIdentity == null) {
            return Optional.empty();
        }
        List<Long> pending = new ArrayList<>();
        long firstOffset = afterLastAdmitted;
        for (Map.Entry<Long, Long> line : unresolved.entrySet()) {
            if (!lines.contains(line.getKey())) {
                if (pending.isEmpty()) {
                    firstOffset = line.getValue();
                }
                pending.add(line.getKey());
            }
        }
        return Optional.of(checkpoint(pending, firstOffset, false));
    }

    /** Every line up to this one is resolved. */
    public synchronized long resolvedThrough() {
        return unresolved.isEmpty() ? lastAdmittedLine : unresolved.firstKey() - 1;
    }

    /** The checkpoint of a file whose every line is resolved. */
    public synchronized Checkpoint completed() {
        return checkpoint(true);
    }

    private Checkpoint checkpoint(boolean done) {
        long offset = unresolved.isEmpty() ? afterLastAdmitted : unresolved.firstEntry().getValue();
        return checkpoint(new ArrayList<>(unresolved.keySet()), offset, done);
    }

    /**
     * Resumes before the first pending line (at {@code offset}), or after the last line seen. A resumed file that
     * has not yet reached the previous run's last line carries that run's knowledge on: its pending lines beyond
     * the ones seen, and how far it had read.
     */
    private Checkpoint checkpoint(List<Long> pending, long offset, boolean done) {
        long through = pending.isEmpty() ? lastAdmittedLine : pending.get(0) - 1;
        long readUpTo = lastAdmittedLine;
        if (resumedFrom != null && resumedFrom.readUpTo() > lastAdmittedLine) {
            readUpTo = resumedFrom.readUpTo();
            for (long line : resumedFrom.pending()) {
                if (line > lastAdmittedLine) {
                    pending.add(line);
                }
            }
        }
        return new Checkpoint(fileIdentity.path(), fileIdentity.size(), fileIdentity.fingerprint(), through, offset,
                readUpTo, pending, done);
    }

    /** True for a line that the checkpoint this file resumed from says was resolved already. */
    public synchronized boolean resolvedBefore(long line) {
        return resumedFrom != null && resumedFrom.resolvedBefore(line);
    }

    /** True for a line the previous run had read but not resolved by its checkpoint: it is sent again. */
    public synchronized boolean pendingBefore(long line) {
        return resumedFrom != null && Collections.binarySearch(resumedFrom.pending(), line) >= 0;
    }

    /** A line resolved before the restart went by without being sent. */
    public synchronized void passed(SourceLine line) {
        lastAdmittedLine = line.number();
        afterLastAdmitted = line.nextOffset();
    }

    /** A record that could not be delivered: it stays unresolved for the checkpoint. */
    public synchronized boolean failed() {
        failed++;
        return settleIfComplete();
    }

    public synchronized boolean readingFinished(long lines, long blank, boolean stoppedEarly) {
        linesRead = lines;
        blankLines = blank;
        interrupted = stoppedEarly;
        readingEnded = true;
        return settleIfComplete();
    }

    public synchronized boolean readingFailed(long lines, long blank, String reason) {
        linesRead = lines;
        blankLines = blank;
        readFailure = reason;
        readingEnded = true;
        return settleIfComplete();
    }

    public synchronized Outcome outcome() {
        if (readFailure != null || failed > 0) {
            return Outcome.FAILED;
        }
        return interrupted ? Outcome.INTERRUPTED : Outcome.DONE;
    }

    public synchronized String summary() {
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

    public synchronized long publishedCount() {
        return published;
    }

    public synchronized long deadLetteredCount() {
        return deadLettered;
    }

    public synchronized long failedCount() {
        return failed;
    }

    public synchronized long blankLines() {
        return blankLines;
    }

    public synchronized long linesRead() {
        return linesRead;
    }

    private boolean settleIfComplete() {
        if (!settled && readingEnded && published + deadLettered + failed == admitted) {
            settled = true;
            return true;
        }
        return false;
    }
}
