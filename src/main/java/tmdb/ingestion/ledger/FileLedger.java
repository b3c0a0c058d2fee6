package tmdb.ingestion.ledger;

import java.nio.file.Path;

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

    public synchronized void admitted() {
        admitted++;
    }

    /** Returns true when this resolution settles the file. */
    public synchronized boolean published() {
        published++;
        return settleIfComplete();
    }

    public synchronized boolean deadLettered() {
        deadLettered++;
        return settleIfComplete();
    }

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
