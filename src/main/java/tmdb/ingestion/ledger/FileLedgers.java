package tmdb.ingestion.ledger;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.RecordProperties;
import tmdb.ingestion.loader.JsonlLineReader;
import tmdb.ingestion.loader.TextFileCheck;
import tmdb.ingestion.monitor.FileStatusEvents;
import tmdb.ingestion.monitor.IngestionStats;

/**
 * Opens a ledger and a line reader for every file the folder routes pick up, and finishes each file once its
 * ledger is settled: to {@code .done/} beside it when every line is accounted for, to {@code .error/} when the
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
    private final Set<FileLedger> open = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    public FileLedgers(Path dataRoot, int maxLineBytes, IngestionStats stats, FileStatusEvents events) {
        this.dataRoot = dataRoot.toAbsolutePath().normalize();
        this.maxLineBytes = maxLineBytes;
        this.stats = stats;
        this.events = events;
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
        LOG.info("Reading {} ({} bytes)", ledger.identity(), Files.size(file));
        events.started(ledger);
        exchange.getIn().setBody(new JsonlLineReader(file, maxLineBytes, () -> stopping));
    }

    /** Called when the split has consumed the reader. */
    public void readingFinished(Exchange exchange) {
        FileLedger ledger = exchange.getProperty(RecordProperties.LEDGER, FileLedger.class);
        JsonlLineReader reader = exchange.getIn().getBody(JsonlLineReader.class);
        stats.linesSkipped(reader.blankLines());
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
        stats.linesSkipped(blank);
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
                stats.fileDone();
                Path target = moveBeside(ledger, DONE_FOLDER);
                LOG.info("Done {}: {}; moved to {}", ledger.identity(), ledger.summary(), dataRoot.relativize(target));
                events.completed(ledger);
            }
            case FAILED -> {
                stats.fileFailed();
                Path target = moveBeside(ledger, ERROR_FOLDER);
                LOG.error("Failed {}: {}; moved to {}", ledger.identity(), ledger.summary(),
                        dataRoot.relativize(target));
                events.failed(ledger, ledger.summary());
            }
            case INTERRUPTED -> {
                LOG.warn("Stopped while reading {} at line {}: the file was left in place and will be read again "
                        + "from its first line at the next start", ledger.identity(), ledger.linesRead());
                events.interrupted(ledger);
            }
        }
    }

    /** Makes every reader end at its next line: the application is stopping. */
    public void stopReading() {
        stopping = true;
    }

    public int openFiles() {
        return open.size();
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
