package tmdb.ingestion.ledger;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.RecordProperties;
import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.checkpoint.CheckpointStore;
import tmdb.ingestion.checkpoint.FileIdentity;
import tmdb.ingestion.loader.JsonlLineReader;
import tmdb.ingestion.loader.SourceLine;
import tmdb.ingestion.loader.TextFileCheck;
import tmdb.ingestion.monitor.FileStatusEvents;
import tmdb.ingestion.monitor.IngestionStats;

/**
 * Opens a ledger and a line reader for every file the folder routes pick up (resuming after the file's checkpoint
 * when it has one, and skipping the lines it lists as delivered), saves the checkpoints of the files being read,
 * and finishes each file once its ledger is settled: to {@code .done/} beside it when every line is accounted for, to {@code .error/} when the
 * file could not be read (unreadable, not UTF-8 text) or a record could not be delivered, or left in place when
 * the application stopped mid-file.
 */
public final class FileLedgers {

    public static final String DONE_FOLDER = ".done";
    public static final String ERROR_FOLDER = ".error";

    private static final Logger LOG = LoggerFactory.getLogger(FileLedgers.class);

    private final Path dataRoot;
    private final int maxLineBytes;
    private final IngestionStats stats;
    private final FileStatusEvents events;
    private final CheckpointStore checkpoints;
    private final Set<FileLedger> open = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    public FileLedgers(Path dataRoot, int maxLineBytes, IngestionStats stats, FileStatusEvents events,
                       CheckpointStore checkpoints) {
        this.dataRoot = dataRoot.toAbsolutePath().normalize();
        this.maxLineBytes = maxLineBytes;
        this.stats = stats;
        this.events = events;
        this.checkpoints = checkpoints;
    }

    /** Starts a file: its ledger goes into a property and a streaming line reader becomes the body. */
    public void open(Exchange exchange) throws IOException {
        Path file = Path.of(exchange.getIn().getHeader(Exchange.FILE_PATH, String.class)).toAbsolutePath().normalize();
        String type = exchange.getProperty(RecordProperties.TYPE, String.class);
        String label = exchange.getProperty(RecordProperties.LABEL, String.class);
        FileLedger ledger = new FileLedger(file, identityOf(file), type, label);
        open.add(ledger);
        exchange.setProperty(RecordProperties.LEDGER, ledger);
        events.discovered(ledger);
        TextFileCheck.requireUtf8Text(file);
        FileIdentity identity = FileIdentity.of(ledger.identity(), file);
        Checkpoint checkpoint = checkpoints.find(identity).orElse(null);
        ledger.identified(identity, checkpoint);
        if (checkpoint == null) {
            LOG.info("Reading {} ({} bytes)", ledger.identity(), identity.size());
        } else if (!checkpoint.done()) {
            LOG.info("Resuming {} after line {} (byte {} of {}): the lines before were acknowledged before the last "
                    + "stop", ledger.identity(), checkpoint.line(), checkpoint.offset(), identity.size());
        }
        events.started(ledger);
        JsonlLineReader reader = checkpoint == null
                ? new JsonlLineReader(file, maxLineBytes, () -> stopping)
                : new JsonlLineReader(file, maxLineBytes, () -> stopping, checkpoint.offset(), checkpoint.line());
        ledger.readingWith(reader);
        exchange.getIn().setBody(reader);
    }

    /** Called when the split has consumed the reader. */
    public void readingFinished(Exchange exchange) {
        FileLedger ledger = exchange.getProperty(RecordProperties.LEDGER, FileLedger.class);
        JsonlLineReader reader = exchange.getIn().getBody(JsonlLineReader.class);
        stats.linesSkipped(ledger.type(), ledger.label(), reader.blankLines());
        if (ledger.readingFinished(reader.linesRead(), reader.blankLines(), reader.stoppedEarly())) {
            finish(ledger);
        }
    }

    /**
     * Called when reading the file failed; records already admitted still finish their way. A failure caused by
     * the application stopping (an interrupted wait for budget) only interrupts the file.
     */
    public void readingFailed(Exchange exchange) {
        FileLedger ledger = exchange.getProperty(RecordProperties.LEDGER, FileLedger.class);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = cause == null ? "unknown error" : describe(cause);
        Throwable root = rootOf(cause);
        if (ledger == null) {
            LOG.error("Could not start {}: {}. The file was left in place.",
                    exchange.getIn().getHeader(Exchange.FILE_PATH), reason);
            return;
        }
        Object body = exchange.getIn().getBody();
        long lines = body instanceof JsonlLineReader reader ? reader.linesRead() : 0;
        long blank = body instanceof JsonlLineReader reader ? reader.blankLines() : 0;
        stats.linesSkipped(ledger.type(), ledger.label(), blank);
        boolean settled;
        if (stopping) {
            settled = ledger.readingFinished(lines, blank, true);
        } else {
            LOG.error("Reading {} failed after line {}: {}", ledger.identity(), lines, describeFailure(root, reason));
            settled = ledger.readingFailed(lines, blank, reason);
        }
        if (settled) {
            finish(ledger);
        }
    }

    /** Moves a settled file out of the watched folder (or leaves it, when interrupted) and logs its account. */
    public void finish(FileLedger ledger) {
        open.remove(ledger);
        switch (ledger.outcome()) {
            case DONE -> {
                stats.fileDone(ledger.type(), ledger.label());
                checkpoints.save(ledger.completed(), true);
                Path target = moveBeside(ledger, DONE_FOLDER);
                if (ledger.resumedFrom().filter(Checkpoint::done).isPresent()) {
                    LOG.info("{} was ingested completely before (its checkpoint says so): moved to {} without "
                            + "sending it again", ledger.identity(), dataRoot.relativize(target));
                } else {
                    LOG.info("Done {}: {}; moved to {}", ledger.identity(), ledger.summary(),
                            dataRoot.relativize(target));
                }
                events.completed(ledger);
            }
            case FAILED -> {
                stats.fileFailed(ledger.type(), ledger.label());
                checkpoints.forget(ledger.identity());
                Path target = moveBeside(ledger, ERROR_FOLDER);
                LOG.error("Failed {}: {}; moved to {}", ledger.identity(), ledger.summary(),
                        dataRoot.relativize(target));
                events.failed(ledger, ledger.summary());
            }
            case INTERRUPTED -> {
                ledger.progressToSave().ifPresent(progress -> checkpoints.save(progress, true));
                LOG.warn("Stopped while reading {} at line {}: the file was left in place; the next start resumes "
                        + "it after line {}", ledger.identity(), ledger.linesRead(), ledger.resolvedThrough());
                events.interrupted(ledger);
            }
        }
    }

    /** Saves the progress of every file being read that moved since its last checkpoint. */
    public void saveCheckpoints() {
        for (FileLedger ledger : open) {
            ledger.progressToSave().ifPresent(progress -> checkpoints.save(progress, false));
        }
    }

    /**
     * False for a line of a resumed file that was resolved before the restart (the mixing stage resolves lines out
     * of order, so the checkpoint lists the pending ones after its resume point): it is not sent again.
     */
    public boolean needsSending(Exchange exchange) {
        FileLedger ledger = exchange.getProperty(RecordProperties.LEDGER, FileLedger.class);
        SourceLine line = exchange.getIn().getBody(SourceLine.class);
        if (ledger.resolvedBefore(line.number())) {
            ledger.passed(line);
            stats.linesAlreadyDelivered(ledger.type(), ledger.label(), 1);
            return false;
        }
        if (ledger.pendingBefore(line.number())) {
            stats.linesResent(ledger.type(), ledger.label(), 1);
        }
        return true;
    }

    /** Makes every reader end at its next line: the application is stopping. */
    public void stopReading() {
        stopping = true;
    }

    public int openFiles() {
        return open.size();
    }

    /** The files being read or waiting for their last acknowledgements. */
    public Collection<FileLedger> openLedgers() {
        return List.copyOf(open);
    }

    private Path moveBeside(FileLedger ledger, String folderName) {
        Path file = ledger.file();
        if (!Files.exists(file)) {
            LOG.error("{} vanished before it could be moved to {}/ (deleted or moved by someone else)",
                    ledger.identity(), folderName);
            return file;
        }
        Path folder = file.resolveSibling(folderName);
        try {
            Files.createDirectories(folder);
            Path target = folder.resolve(file.getFileName());
            try {
                return Files.move(file, target);
            } catch (FileAlreadyExistsException e) {
                return Files.move(file, folder.resolve(uniqueName(file.getFileName().toString())));
            }
        } catch (IOException e) {
            LOG.error("Could not move {} to {}/: {}. Remove or move it by hand, or it will be read again at the next "
                    + "start", ledger.identity(), folderName, describe(e));
            return file;
        }
    }

    private static String uniqueName(String name) {
        int dot = name.lastIndexOf('.');
        String stamp = "." + System.currentTimeMillis();
        return dot > 0 ? name.substring(0, dot) + stamp + name.substring(dot) : name + stamp;
    }

    private String identityOf(Path file) {
        return file.startsWith(dataRoot) ? dataRoot.relativize(file).toString() : file.toString();
    }

    private static String describeFailure(Throwable cause, String reason) {
        if (cause instanceof TextFileCheck.NotTextException) {
            return cause.getMessage();
        }
        if (cause instanceof NoSuchFileException) {
            return "the file vanished (deleted or moved by someone else)";
        }
        if (cause instanceof AccessDeniedException) {
            return "permission denied; give the application read access to the file";
        }
        return reason;
    }

    private static String describe(Throwable cause) {
        Throwable root = rootOf(cause);
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static Throwable rootOf(Throwable cause) {
        Throwable root = cause;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
