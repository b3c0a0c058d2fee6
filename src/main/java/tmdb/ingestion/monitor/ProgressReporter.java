package tmdb.ingestion.monitor;

import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.file.FileLifecycle;
import tmdb.ingestion.file.IngestionStats;

/**
 * Logs a progress line while records flow, and the run's summary when it stops: as a service of the Camel
 * context, it stops after the routes, when the counts are final, and before the JVM exits on SIGTERM.
 */
public final class ProgressReporter extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);

    private final IngestionStats stats;
    private final FileLifecycle files;
    private final String deadLetterTopic;
    private long lastResolved;
    private long lastNanos = System.nanoTime();

    public ProgressReporter(IngestionStats stats, FileLifecycle files, String deadLetterTopic) {
        this.stats = stats;
        this.files = files;
        this.deadLetterTopic = deadLetterTopic;
    }

    /** Logs one progress line, unless nothing happened since the last one. */
    public synchronized void report() {
        long resolved = stats.published() + stats.deadLettered() + stats.failed();
        long now = System.nanoTime();
        if (resolved == lastResolved) {
            lastNanos = now;
            return;
        }
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        long rate = Math.round((resolved - lastResolved) / seconds);
        lastResolved = resolved;
        lastNanos = now;
        LOG.info("Progress: {} records/s | published {} | dead-lettered {} {}| not delivered {} | by type/label {} | "
                        + "files done {}, failed {}, reading {}",
                rate, stats.published(), stats.deadLettered(), byReason(stats.deadLetteredByReason()), stats.failed(),
                inline(stats.publishedByStream()), stats.filesDone(), stats.filesFailed(), files.snapshot().unsettled().size());
    }

    /** The summary of the run so far, several lines. */
    public String summary() {
        Duration elapsed = stats.elapsed();
        double seconds = Math.max(1e-3, elapsed.toMillis() / 1000.0);
        long read = stats.linesRead();
        long accounted = stats.published() + stats.deadLettered() + stats.skipped() + stats.failed();
        StringBuilder text = new StringBuilder("Ingestion summary\n");
        text.append(String.format("  elapsed           %.1f s%n", seconds));
        text.append(String.format("  lines read        %d = %d published + %d dead-lettered + %d blank skipped + %d "
                + "not delivered%s%n", read, stats.published(), stats.deadLettered(), stats.skipped(), stats.failed(),
                read == accounted ? "" : " (" + (read - accounted) + " not accounted for: still in flight when "
                        + "stopped; their files stay in place)"));
        text.append(String.format("  published         %d records, %.1f MB (mean %.0f records/s, %.1f MB/s)%n",
                stats.published(), stats.publishedBytes() / 1e6, stats.published() / seconds,
                stats.publishedBytes() / 1e6 / seconds));
        stats.publishedByTopic().forEach((topic, count) ->
                text.append(String.format("    %-28s %d%n", topic, count)));
        text.append(String.format("  read              %.1f MB of lines%n", stats.contentBytesRead() / 1e6));
        stats.compressedFileBytesRead().forEach((format, compressed) -> {
            long content = stats.compressedContentBytesRead().getOrDefault(format, 0L);
            text.append(String.format("    %-28s %.1f MB read as %.1f MB of lines (%.1fx)%n", format + " files",
                    compressed / 1e6, content / 1e6, compressed == 0 ? 0.0 : content / (double) compressed));
        });
        text.append(String.format("  by type/label     %s%n", inline(stats.publishedByStream())));
        text.append(String.format("  dead-lettered     %d, to %s%n", stats.deadLettered(), deadLetterTopic));
        stats.deadLetteredByReason().forEach((reason, count) ->
                text.append(String.format("    %-28s %d%n", reason, count)));
        text.append(String.format("  blank lines       %d skipped%n", stats.skipped()));
        text.append(String.format("  not delivered     %d%n", stats.failed()));
        text.append(String.format("  after a restart   %d lines sent again (read before it, not yet confirmed by the "
                + "last checkpoint), %d skipped (delivered before it)%n", stats.resent(), stats.alreadyDelivered()));
        text.append(String.format("  files             %d done, %d failed", stats.filesDone(), stats.filesFailed()));
        if (stats.filesNotOpened() > 0) {
            text.append(String.format(", %d could not be opened (left in place)", stats.filesNotOpened()));
        }
        return text.toString();
    }

    @Override
    protected void doStop() {
        LOG.info(summary());
    }

    private static String byReason(Map<String, Long> counts) {
        return counts.isEmpty() ? "" : "(" + inline(counts) + ") ";
    }

    private static String inline(Map<String, Long> counts) {
        StringJoiner joiner = new StringJoiner(" ");
        counts.forEach((key, count) -> joiner.add(key + "=" + count));
        return joiner.length() == 0 ? "-" : joiner.toString();
    }
}
