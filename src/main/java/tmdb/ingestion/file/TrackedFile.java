package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
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
import tmdb.ingestion.config.Seed;

/**
 * One source file, from the moment it is picked up until it is settled: the one owner of its state
 * ({@link FileState}), of how far it was read, of how each of its records ended, and of the checkpoint arithmetic
 * that follows from both. Every transition happens here, under this object's lock; {@link FileTracker} observes the
 * file on disk and carries out what {@link #nextStep} decides (read on, move, fail).
 * <p>
 * The file is read through one channel, opened when it was picked up and kept until it is settled, so that what is
 * read, counted and fingerprinted is the file that was picked up even if its path is replaced or it is moved.
 */
public final class TrackedFile {

    /** What the tracker should do next with a file, given what it observed. */
    public enum Step {
        /** Nothing now: it is being read, or waits for its records, for more lines, or for quiet. */
        WAIT,
        /** Read on from where it stopped: it has new lines (where it lies now, in its folder or moved). */
        READ_HERE,
        /** Every line is accounted for and the file is quiet: move it to {@code .done/}. */
        SETTLE_DONE,
        /** It failed and its records are resolved: move it to {@code .error/}. */
        SETTLE_FAILED,
        /** A moved file's watch for late lines is over. */
        END_WATCH
    }

    private static final long NEVER = Long.MIN_VALUE;

    private final String identity;
    private final long identityHash;
    private final String type;
    private final String label;
    private final FileChannel channel;
    private final Object fileKey;
    private final int partition;

    private volatile Path location;
    private volatile FileState state = FileState.DISCOVERED;
    private volatile JsonlLineReader reader;

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
    private volatile Checkpoint resumedFrom;
    private long lastSavedLine = -1;

    private long sizeSeen = -1;
    private long firstObservedAtNanos;
    private long sizeChangeSeenAtNanos = NEVER;
    private long movedAtNanos;

    /**
     * @param identity   the file's path under the data folder, e.g. {@code movie/new/part-0001.jsonl}
     * @param location   where the file is
     * @param channel    the open file, read and fingerprinted through; closed when the file is settled
     * @param fileKey    the file system's key of the file (inode), to tell it from another file under its path
     * @param partition  the files partition it belongs to (the instance owning that partition reads it)
     */
    public TrackedFile(String identity, String type, String label, Path location, FileChannel channel, Object fileKey,
                       int partition) {
        this.identity = identity;
        this.identityHash = Seed.hash(identity);
        this.type = type;
        this.label = label;
        this.location = location;
        this.channel = channel;
        this.fileKey = fileKey;
        this.partition = partition;
    }

    /** The file's path under the data folder, e.g. {@code movie/new/part-0001.jsonl}. */
    public String identity() {
        return identity;
    }

    /** The hash of the identity the seeded draws of its lines start from (computed once, not per line). */
    public long identityHash() {
        return identityHash;
    }

    /** The files partition it belongs to. */
    public int partition() {
        return partition;
    }

    public String type() {
        return type;
    }

    public String label() {
        return label;
    }

    /** Where the file is now: in its watched folder, or in {@code .done/} once moved. */
    public Path location() {
        return location;
    }

    public FileState state() {
        return state;
    }

    public FileChannel channel() {
        return channel;
    }

    public Object fileKey() {
        return fileKey;
    }

    /** True once the file was moved to {@code .done/}: a second settlement does not move it again. */
    public boolean moved() {
        return location.getParent() != null && location.getParent().getFileName() != null
                && location.getParent().getFileName().toString().equals(FileTracker.DONE_FOLDER);
    }

    // --- reading ---------------------------------------------------------------------------------------------------

    /** Resumes after the checkpoint of a previous run: its resolved lines are not read again. */
    public synchronized void resumeFrom(Checkpoint checkpoint) {
        resumedFrom = checkpoint;
        readOffset = checkpoint.offset();
        linesRead = checkpoint.line();
        lastLineSeen = checkpoint.line();
        afterLastLineSeen = checkpoint.offset();
        lastSavedLine = checkpoint.line();
    }

    public synchronized Optional<Checkpoint> resumedFrom() {
        return Optional.ofNullable(resumedFrom);
    }

    /** Where the next reading starts, and the number of the line before it. */
    public synchronized long readOffset() {
        return readOffset;
    }

    public synchronized long linesRead() {
        return linesRead;
    }

    /** A reader takes the file; false when the file cannot be read on now (it was settled meanwhile). */
    public synchronized boolean startReading(JsonlLineReader lineReader) {
        if (state != FileState.DISCOVERED && state != FileState.CAUGHT_UP && state != FileState.MOVED) {
            return false;
        }
        reader = lineReader;
        state = FileState.READING;
        return true;
    }

    /** The reader ended at the end of what there was (or because the application stops): every line it gave was admitted or passed. */
    public synchronized void readingEnded(JsonlLineReader lineReader, long sizeNow) {
        blankLines += lineReader.blankLines();
        linesRead = lineReader.linesRead();
        readOffset = lineReader.bytesRead();
        if (linesRead >= lastLineSeen) {
            lastLineSeen = linesRead;
            afterLastLineSeen = Math.max(afterLastLineSeen, readOffset);
        }
        sizeAtLastRead = sizeNow;
        reader = null;
        if (state == FileState.READING) {
            state = FileState.CAUGHT_UP;
        }
    }

    /**
     * Reading stopped at a failure, or because the application stops while a line was being admitted: reading
     * resumes after the last line admitted or passed, not after the last line the reader gave (that one may be lost).
     */
    public synchronized void readingBroken(JsonlLineReader lineReader) {
        if (lineReader != null) {
            blankLines += lineReader.blankLines();
        }
        linesRead = lastLineSeen;
        readOffset = afterLastLineSeen;
        reader = null;
        if (state == FileState.READING) {
            state = FileState.CAUGHT_UP;
        }
    }

    /** Reading failed: the file settles as failed once the records read before are resolved. */
    public synchronized void readingFailed(JsonlLineReader lineReader, String reason) {
        readingBroken(lineReader);
        readFailure = reason;
        if (!state.isSettled()) {
            state = FileState.READ_FAILED;
        }
    }

    /** Bytes of the file not read yet. */
    public long bytesLeft() {
        JsonlLineReader current = reader;
        try {
            long size = channel.isOpen() ? channel.size() : 0;
            long read;
            synchronized (this) {
                read = current == null ? readOffset : current.bytesRead();
            }
            return Math.max(0, size - read);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Lines not read yet, estimated from the mean length of the lines read so far. */
    public long linesLeftEstimate() {
        JsonlLineReader current = reader;
        long lines = current == null ? linesRead : current.linesRead();
        long bytes = current == null ? readOffset : current.bytesRead();
        if (lines == 0 || bytes == 0) {
            return 0;
        }
        return Math.round(bytesLeft() * (double) lines / bytes);
    }

    // --- outcomes ----------------------------------------------------------------------------------------------------

    /**
     * Takes a chunk of lines, in file order, under one lock: each one is admitted (it is being sent), or passed
     * over when the checkpoint this file resumed from says it was resolved before.
     */
    public synchronized void admit(List<SourceLine> chunk) {
        for (SourceLine line : chunk) {
            if (resolvedBefore(line.number())) {
                passed(line);
            } else {
                admitted(line);
            }
        }
    }

    /** Takes how the file's records in a window ended into its account, under one lock. */
    public synchronized void resolve(FileOutcomes outcomes) {
        for (long line : outcomes.published()) {
            published(line);
        }
        for (long line : outcomes.deadLettered()) {
            deadLettered(line);
        }
        failed += outcomes.notDeliveredCount();
    }

    synchronized void admitted(SourceLine line) {
        admitted++;
        unresolved.put(line.number(), line.offset());
        lastLineSeen = line.number();
        afterLastLineSeen = line.nextOffset();
    }

    /** A line resolved before the restart went by without being sent. */
    synchronized void passed(SourceLine line) {
        lastLineSeen = line.number();
        afterLastLineSeen = line.nextOffset();
    }

    synchronized void published(long line) {
        published++;
        unresolved.remove(line);
    }

    synchronized void deadLettered(long line) {
        deadLettered++;
        unresolved.remove(line);
    }

    /** A record that could not be delivered: it stays unresolved for the checkpoint, and the file fails. */
    synchronized void failed() {
        failed++;
    }

    /** True for a line that the checkpoint this file resumed from says was resolved already. */
    public boolean resolvedBefore(long line) {
        Checkpoint from = resumedFrom;
        return from != null && from.resolvedBefore(line);
    }

    /** True for a line the previous run had read but not resolved by its checkpoint: it is sent again. */
    public boolean pendingBefore(long line) {
        Checkpoint from = resumedFrom;
        return from != null && Collections.binarySearch(from.pending(), line) >= 0;
    }

    /** True once nothing of it is being read and every record read is resolved: it can go to another instance. */
    public synchronized boolean handedOverCleanly() {
        return state != FileState.READING && outstanding() == 0;
    }

    private long outstanding() {
        return admitted - published - deadLettered - failed;
    }

    // --- the next step -----------------------------------------------------------------------------------------------

    /**
     * Decides what happens next, from what the tracker observed: the file's size, whether its path still holds it,
     * and when it last changed. A file is settled only when it was read to its end, every record read is resolved,
     * it is no longer than what was read, and it has been quiet for {@code quietNanos}.
     */
    public synchronized Step nextStep(FileObservation observation, long quietNanos, long nowNanos) {
        boolean quiet = unchangedFor(observation, nowNanos) >= quietNanos;
        long size = observation.size();
        switch (state) {
            case READ_FAILED:
                return outstanding() == 0 ? Step.SETTLE_FAILED : Step.WAIT;
            case CAUGHT_UP:
                if (size < readOffset) {
                    readFailure = "the file shrank from " + readOffset + " to " + size + " bytes while it was read "
                            + "(rewritten in place); what was read before is kept, nothing more is read from it";
                    state = FileState.READ_FAILED;
                    return outstanding() == 0 ? Step.SETTLE_FAILED : Step.WAIT;
                }
                if (size > readOffset) {
                    return hasNewBytes(size, quiet) ? Step.READ_HERE : Step.WAIT;
                }
                if (outstanding() > 0) {
                    return Step.WAIT;
                }
                if (failed > 0) {
                    return Step.SETTLE_FAILED;
                }
                return quiet ? Step.SETTLE_DONE : Step.WAIT;
            case MOVED:
                if (size > readOffset) {
                    return hasNewBytes(size, quiet) ? Step.READ_HERE : Step.WAIT;
                }
                return nowNanos - movedAtNanos >= quietNanos ? Step.END_WATCH : Step.WAIT;
            default:
                return Step.WAIT;
        }
    }

    /** True when the file is quiet now, as far as the last observation tells. */
    public synchronized boolean quiet(FileObservation observation, long quietNanos, long nowNanos) {
        return unchangedFor(observation, nowNanos) >= quietNanos;
    }

    /**
     * How long the file has been unchanged: by its modification time while it is in place, but never longer than
     * since this tracker saw its size change (a modification time can lag behind, on a network file system), and by
     * that alone once its path no longer holds it.
     */
    private long unchangedFor(FileObservation observation, long nowNanos) {
        if (sizeSeen < 0) {
            firstObservedAtNanos = nowNanos;
        } else if (observation.size() != sizeSeen) {
            sizeChangeSeenAtNanos = nowNanos;
        }
        sizeSeen = observation.size();
        boolean changeSeen = sizeChangeSeenAtNanos != NEVER;
        long observedUnchanged = nowNanos - (changeSeen ? sizeChangeSeenAtNanos : firstObservedAtNanos);
        if (!observation.inPlace()) {
            return observedUnchanged;
        }
        return changeSeen ? Math.min(observation.modifiedAgoNanos(), observedUnchanged)
                : observation.modifiedAgoNanos();
    }

    /**
     * True when the file holds lines not read yet that a reader would take now: it changed since the last reading,
     * or it is quiet and ends with a line without line ending (which is then its last line).
     */
    private boolean hasNewBytes(long size, boolean quiet) {
        return size > readOffset && (size != sizeAtLastRead || quiet);
    }

    /**
     * The file was moved to {@code .done/} (or, when its path no longer held it, left where it is). A moved file is
     * watched for a quiet period more: a writer that keeps it open may still append to it there.
     */
    public synchronized void settledDone(Path movedTo, boolean watchForLateLines, long nowNanos) {
        location = movedTo;
        movedAtNanos = nowNanos;
        state = watchForLateLines ? FileState.MOVED : FileState.DONE;
    }

    public synchronized void settledFailed(Path movedTo) {
        location = movedTo;
        state = FileState.FAILED;
    }

    public synchronized void watchEnded() {
        state = FileState.DONE;
    }

    /** The application stops before the file is settled. */
    public synchronized void interrupted() {
        if (!state.isSettled()) {
            state = FileState.INTERRUPTED;
        } else if (state == FileState.MOVED) {
            state = FileState.DONE;
        }
    }

    // --- checkpoints -------------------------------------------------------------------------------------------------

    /**
     * The progress to save, when it moved since the last save: every line before the first unresolved one is
     * resolved (a line not delivered stays unresolved, so the checkpoint never passes it).
     */
    public synchronized Optional<Checkpoint> progressToSave() throws IOException {
        Checkpoint progress = checkpoint(new ArrayList<>(unresolved.keySet()), firstUnresolvedOffset(), false);
        if (progress.line() == lastSavedLine) {
            return Optional.empty();
        }
        lastSavedLine = progress.line();
        return Optional.of(progress);
    }

    /** The progress once the given lines are resolved too (they are in a transaction about to be committed). */
    public synchronized Checkpoint progressAssuming(Set<Long> lines) throws IOException {
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
        return checkpoint(pending, firstOffset, false);
    }

    /** The progress as it stands, whether it moved or not (when the file stops being read). */
    public synchronized Checkpoint progress() throws IOException {
        return checkpoint(new ArrayList<>(unresolved.keySet()), firstUnresolvedOffset(), false);
    }

    /** The checkpoint of a file whose every line is resolved. */
    public synchronized Checkpoint completed() throws IOException {
        return checkpoint(new ArrayList<>(), afterLastLineSeen, true);
    }

    /** Every line up to this one is resolved. */
    public synchronized long resolvedThrough() {
        return unresolved.isEmpty() ? lastLineSeen : unresolved.firstKey() - 1;
    }

    private long firstUnresolvedOffset() {
        return unresolved.isEmpty() ? afterLastLineSeen : unresolved.firstEntry().getValue();
    }

    /**
     * Resumes before the first pending line (at {@code offset}), or after the last line seen. A resumed file that
     * has not yet reached the previous run's last line carries that run's knowledge on: its pending lines beyond
     * the ones seen, and how far it had read. The fingerprint covers every byte read so far: the bytes a restart
     * relies on when it skips the lines resolved before it.
     */
    private Checkpoint checkpoint(List<Long> pending, long offset, boolean done) throws IOException {
        long through = pending.isEmpty() ? lastLineSeen : pending.get(0) - 1;
        long readUpTo = lastLineSeen;
        long covered = afterLastLineSeen;
        if (resumedFrom != null && resumedFrom.readUpTo() > lastLineSeen) {
            readUpTo = resumedFrom.readUpTo();
            covered = Math.max(covered, resumedFrom.size());
            for (long line : resumedFrom.pending()) {
                if (line > lastLineSeen) {
                    pending.add(line);
                }
            }
        }
        FileIdentity fingerprint = FileIdentity.of(identity, channel, covered);
        return new Checkpoint(identity, fingerprint.size(), fingerprint.fingerprint(), through, offset, readUpTo,
                pending, done);
    }

    // --- the file's account ------------------------------------------------------------------------------------------

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

    public synchronized String readFailure() {
        return readFailure;
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

    @Override
    public String toString() {
        return identity + " (" + state.name().toLowerCase() + ")";
    }
}
