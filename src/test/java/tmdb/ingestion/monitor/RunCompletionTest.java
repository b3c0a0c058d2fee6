package tmdb.ingestion.monitor;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.checkpoint.FilePartitions;
import tmdb.ingestion.file.FileTracker;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.file.IngestionStats;
import tmdb.ingestion.file.SymlinkPolicy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The end of a once run: only when every folder was found idle, no file is open and nothing is in flight; once;
 * never in watch mode; exit status 1 when a record or a file failed, or the run was cut short.
 */
class RunCompletionTest {

    private static final Set<String> FOLDERS = Set.of("movie-new", "movie-old");

    @TempDir
    Path dir;

    private final InFlightBudget budget = new InFlightBudget(1 << 20);
    private final IngestionStats stats = new IngestionStats();
    private final AtomicInteger completions = new AtomicInteger();
    private final AtomicBoolean ownsEverything = new AtomicBoolean(true);

    private RunCompletion completion(boolean once) {
        FileTracker files = new FileTracker(dir, new FileTracker.Options(1 << 20, 100, 1 << 20, 0,
                SymlinkPolicy.SKIP), budget, stats, null, null, new FilePartitions(), "test", "test");
        RunCompletion completion = new RunCompletion(once, FOLDERS, files, budget, stats, ownsEverything::get);
        completion.onComplete(completions::incrementAndGet);
        return completion;
    }

    @Test
    void aOnceRunEndsWhenEveryFolderWasIdleAndNothingIsInFlightAndOnlyOnce() throws Exception {
        RunCompletion completion = completion(true);
        completion.folderIdle("movie-new");
        completion.check();
        assertThat(completions).as("one folder not polled empty yet").hasValue(0);

        budget.acquire(10);
        completion.folderIdle("movie-old");
        completion.check();
        assertThat(completions).as("records still in flight").hasValue(0);

        budget.release(10);
        completion.check();
        completion.check();

        assertThat(completions).hasValue(1);
        assertThat(completion.completed()).isTrue();
        assertThat(completion.exitCode()).isZero();
    }

    @Test
    void aWatchRunNeverEndsOnItsOwn() {
        RunCompletion completion = completion(false);
        FOLDERS.forEach(completion::folderIdle);

        completion.check();

        assertThat(completions).hasValue(0);
    }

    @Test
    void aRecordNotDeliveredOrAFailedFileMakesTheExitStatusOne() {
        RunCompletion failedRecord = completion(true);
        stats.recordsFailed("movie", "new", 1);
        assertThat(failedRecord.exitCode()).isEqualTo(1);

        IngestionStats otherStats = new IngestionStats();
        otherStats.fileFailed("movie", "new");
        assertThat(new RunCompletion(true, FOLDERS, null, budget, otherStats, () -> true).exitCode()).isEqualTo(1);
    }

    @Test
    void aOnceRunDoesNotEndWhileItsGroupHasNotGivenItEveryPartitionWithItsAnnouncementsRead() {
        RunCompletion completion = completion(true);
        ownsEverything.set(false);
        FOLDERS.forEach(completion::folderIdle);
        completion.check();
        assertThat(completions).as("partitions lost, or their announcements not read yet").hasValue(0);

        ownsEverything.set(true);
        completion.check();
        assertThat(completions).hasValue(1);
    }

    @Test
    void anAbortedRunEndsAtOnceWithStatusOne() {
        RunCompletion completion = completion(true);

        completion.abort();
        completion.abort();

        assertThat(completions).hasValue(1);
        assertThat(completion.exitCode()).isEqualTo(1);
    }
}
