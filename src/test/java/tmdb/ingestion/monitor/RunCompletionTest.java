package tmdb.ingestion.monitor;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.AfterEach;
import tmdb.ingestion.checkpoint.InMemoryCheckpointStore;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.file.IngestionStats;
import tmdb.ingestion.loader.FolderPolls;
import tmdb.ingestion.support.LifecycleFixture;

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
    private final FolderPolls polls = new FolderPolls();
    private LifecycleFixture files;

    private RunCompletion completion(boolean once) throws Exception {
        files = new LifecycleFixture(dir, new InMemoryCheckpointStore(), stats);
        RunCompletion completion = new RunCompletion(once, FOLDERS, polls, files.lifecycle(), budget, stats,
                ownsEverything::get);
        completion.onComplete(completions::incrementAndGet);
        return completion;
    }

    @AfterEach
    void stop() {
        if (files != null) {
            files.close();
        }
    }

    @Test
    void aOnceRunEndsWhenEveryFolderWasIdleAndNothingIsInFlightAndOnlyOnce() throws Exception {
        RunCompletion completion = completion(true);
        polls.idle("movie-new");
        completion.check();
        assertThat(completions).as("one folder not polled empty yet").hasValue(0);
        assertThat(completion.waitingFor()).containsExactly("the folder routes [movie-old] to find nothing new");

        budget.acquire(10);
        polls.idle("movie-old");
        ownsEverything.set(false);
        completion.check();
        assertThat(completions).as("records still in flight").hasValue(0);
        assertThat(completion.waitingFor()).containsExactly(
                "every files partition to be owned here and its announcements read",
                "10 bytes of records in flight to be resolved");

        ownsEverything.set(true);
        budget.release(10);
        assertThat(completion.waitingFor()).isEmpty();
        completion.check();
        completion.check();

        assertThat(completions).hasValue(1);
        assertThat(completion.completed()).isTrue();
        assertThat(completion.exitCode()).isZero();
    }

    @Test
    void aWatchRunNeverEndsOnItsOwn() throws Exception {
        RunCompletion completion = completion(false);
        FOLDERS.forEach(polls::idle);

        completion.check();

        assertThat(completions).hasValue(0);
    }

    @Test
    void aRecordNotDeliveredOrAFailedFileMakesTheExitStatusOne() throws Exception {
        RunCompletion failedRecord = completion(true);
        stats.recordsFailed("movie", "new", 1);
        assertThat(failedRecord.exitCode()).isEqualTo(1);

        IngestionStats otherStats = new IngestionStats();
        otherStats.fileFailed("movie", "new");
        assertThat(new RunCompletion(true, FOLDERS, polls, null, budget, otherStats, () -> true).exitCode()).isEqualTo(1);
    }

    @Test
    void aOnceRunDoesNotEndWhileItsGroupHasNotGivenItEveryPartitionWithItsAnnouncementsRead() throws Exception {
        RunCompletion completion = completion(true);
        ownsEverything.set(false);
        FOLDERS.forEach(polls::idle);
        completion.check();
        assertThat(completions).as("partitions lost, or their announcements not read yet").hasValue(0);

        ownsEverything.set(true);
        completion.check();
        assertThat(completions).hasValue(1);
    }

    @Test
    void anAbortedRunEndsAtOnceWithStatusOne() throws Exception {
        RunCompletion completion = completion(true);

        completion.abort();
        completion.abort();

        assertThat(completions).hasValue(1);
        assertThat(completion.exitCode()).isEqualTo(1);
    }
}
