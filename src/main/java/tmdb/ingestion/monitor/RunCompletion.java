package tmdb.ingestion.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.file.FileLifecycle;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.file.IngestionStats;
import tmdb.ingestion.loader.FolderPolls;

/**
 * Ends a {@code once} run: when every folder has been polled and found nothing new, every file announced has been
 * claimed, no file is unsettled and no record is in flight (the file lifecycle is asked, not a snapshot read),
 * everything that was there has been delivered (or reported).
 * A once run is a group of one: it completes when it owns every files partition. Until it completes it says, once
 * a minute, what it still waits for. Does nothing in {@code watch} mode.
 */
public final class RunCompletion {

    private static final Logger LOG = LoggerFactory.getLogger(RunCompletion.class);
    private static final long SAY_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final boolean once;
    private final Set<String> folderRoutes;
    private final FolderPolls polls;
    private final FileLifecycle files;
    private final InFlightBudget budget;
    private final IngestionStats stats;
    private final BooleanSupplier ownsEverything;
    private final AtomicBoolean completed = new AtomicBoolean();
    private volatile boolean aborted;
    private volatile Runnable onComplete = () -> { };
    private long lastSaidNanos = System.nanoTime();

    /**
     * @param ownsEverything true while this instance owns every files partition and has read their announcements
     *                       ({@code GroupMember#ownsAllAndReadTheirAnnouncements})
     */
    public RunCompletion(boolean once, Set<String> folderRoutes, FolderPolls polls, FileLifecycle files,
                         InFlightBudget budget, IngestionStats stats, BooleanSupplier ownsEverything) {
        this.once = once;
        this.folderRoutes = Set.copyOf(folderRoutes);
        this.polls = polls;
        this.files = files;
        this.budget = budget;
        this.stats = stats;
        this.ownsEverything = ownsEverything;
    }

    /** What to do when a once run is complete (the application stops). */
    public void onComplete(Runnable action) {
        this.onComplete = action;
    }

    /**
     * Checks whether a once run is complete, and if so triggers the completion action once; otherwise says, once a
     * minute, what it waits for (a run that does not end says why).
     */
    public void check() {
        if (!once || completed.get()) {
            return;
        }
        long now = System.nanoTime();
        boolean timeToSay = now - lastSaidNanos >= SAY_EVERY_NANOS;
        List<String> waitingFor = waitingForAllButTheFiles();
        if (waitingFor.isEmpty() || timeToSay) {
            // the file lifecycle's answer (a line per unsettled file) is asked for only near the end, or to be said
            waitingFor.addAll(files.whatIsLeft());
        }
        if (waitingFor.isEmpty()) {
            if (completed.compareAndSet(false, true)) {
                onComplete.run();
            }
            return;
        }
        if (timeToSay) {
            lastSaidNanos = now;
            LOG.info("The once run goes on: it waits for {}", String.join("; ", waitingFor));
        }
    }

    /** What a once run still waits for, said for a person; empty when it is complete. */
    public List<String> waitingFor() {
        List<String> waiting = waitingForAllButTheFiles();
        waiting.addAll(files.whatIsLeft());
        return waiting;
    }

    /** What the run waits for that is known here, without asking the file lifecycle. */
    private List<String> waitingForAllButTheFiles() {
        List<String> waiting = new ArrayList<>();
        if (!ownsEverything.getAsBoolean()) {
            waiting.add("every files partition to be owned here and its announcements read");
        }
        Set<String> notPolled = polls.notYetIdle(folderRoutes);
        if (!notPolled.isEmpty()) {
            waiting.add("the folder routes " + notPolled + " to find nothing new");
        }
        if (budget.bytesInFlight() > 0) {
            waiting.add(budget.bytesInFlight() + " bytes of records in flight to be resolved");
        }
        return waiting;
    }

    public boolean completed() {
        return completed.get();
    }

    /** The run cannot go on (another instance took over): it stops now, with exit code 1. */
    public void abort() {
        aborted = true;
        if (completed.compareAndSet(false, true)) {
            onComplete.run();
        }
    }

    /**
     * 0 when every record was published or dead-lettered and every file finished; 1 otherwise (a record not
     * delivered, a file failed, or one that could not be opened).
     */
    public int exitCode() {
        return aborted || stats.failed() > 0 || stats.filesFailed() > 0 || stats.filesNotOpened() > 0 ? 1 : 0;
    }
}
