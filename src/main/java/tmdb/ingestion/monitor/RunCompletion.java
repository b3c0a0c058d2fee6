package tmdb.ingestion.monitor;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import tmdb.ingestion.file.FileTracker;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.file.IngestionStats;

/**
 * Ends a {@code once} run: when every folder has been polled and found nothing new, every file announced has been
 * claimed, no file is open and no record is in flight, everything that was there has been delivered (or reported).
 * A once run is a group of one: it completes when it owns every files partition. Does nothing in {@code watch}
 * mode.
 */
public final class RunCompletion {

    private final boolean once;
    private final Set<String> folderRoutes;
    private final FileTracker files;
    private final InFlightBudget budget;
    private final IngestionStats stats;
    private final BooleanSupplier ownsEverything;
    private final Set<String> idleFolders = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean completed = new AtomicBoolean();
    private volatile boolean aborted;
    private volatile Runnable onComplete = () -> { };

    /**
     * @param ownsEverything true while this instance owns every files partition and has read their announcements
     *                       ({@code GroupMember#ownsAllAndReadTheirAnnouncements})
     */
    public RunCompletion(boolean once, Set<String> folderRoutes, FileTracker files, InFlightBudget budget,
                         IngestionStats stats, BooleanSupplier ownsEverything) {
        this.once = once;
        this.folderRoutes = Set.copyOf(folderRoutes);
        this.files = files;
        this.budget = budget;
        this.stats = stats;
        this.ownsEverything = ownsEverything;
    }

    /** What to do when a once run is complete (the application stops). */
    public void onComplete(Runnable action) {
        this.onComplete = action;
    }

    /** A folder route polled and found no new file. */
    public void folderIdle(String routeId) {
        idleFolders.add(routeId);
    }

    /** Checks whether a once run is complete, and if so triggers the completion action once. */
    public void check() {
        if (once && ownsEverything.getAsBoolean() && idleFolders.containsAll(folderRoutes) && !files.claimsPending()
                && files.openFiles() == 0
                && budget.bytesInFlight() == 0 && completed.compareAndSet(false, true)) {
            onComplete.run();
        }
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

    /** 0 when every record was published or dead-lettered and every file finished; 1 otherwise. */
    public int exitCode() {
        return aborted || stats.failed() > 0 || stats.filesFailed() > 0 ? 1 : 0;
    }
}
