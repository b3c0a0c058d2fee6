package tmdb.ingestion.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

/**
 * The order in which a partition given to another member lets its files and its work go: what the next owner's
 * checkpoints rely on.
 */
class FilesHandOverTest {

    private static final Duration DRAIN = Duration.ofMillis(300);

    private final List<String> steps = new CopyOnWriteArrayList<>();
    private final PartitionWork work = new RecordingWork(steps);

    @Test
    void aLostPartitionsWorkEndsBeforeItsFilesAreLetGoAsTheyAre() {
        FilesHandOver handOver = new FilesHandOver(released(CompletableFuture.completedFuture(null)), work, DRAIN,
                Duration.ofSeconds(5));

        handOver.lost(Set.of(1, 4));

        assertThat(steps).containsExactly("lose [1, 4]", "release [1, 4] lost=true drain=300");
    }

    @Test
    void aLostPartitionIsGivenUpOnlyOnceItsFilesAreLetGo() throws Exception {
        CompletableFuture<Void> letGo = new CompletableFuture<>();
        FilesHandOver handOver = new FilesHandOver(released(letGo), work, DRAIN, Duration.ofSeconds(30));
        Thread group = new Thread(() -> handOver.lost(Set.of(1)), "Files group");
        group.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> steps.size() == 2
                && group.getState() == Thread.State.TIMED_WAITING);
        assertThat(group.isAlive()).as("the group goes on once the files are let go, not before").isTrue();

        letGo.complete(null);
        group.join(10_000);
        assertThat(group.isAlive()).isFalse();
        assertThat(steps).containsExactly("lose [1]", "release [1] lost=true drain=300");
    }

    @Test
    void aRevokedPartitionsWorkIsHandedOverOnlyOnceItsFilesAreLetGo() throws Exception {
        CompletableFuture<Void> letGo = new CompletableFuture<>();
        FilesHandOver handOver = new FilesHandOver(released(letGo), work, DRAIN, Duration.ofSeconds(30));
        Thread group = new Thread(() -> handOver.revoked(Set.of(2)), "Files group");
        group.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> !steps.isEmpty()
                && group.getState() == Thread.State.TIMED_WAITING);
        assertThat(steps).as("nothing handed over while the files' checkpoints are being saved")
                .containsExactly("release [2] lost=false drain=300");

        letGo.complete(null);
        group.join(10_000);
        assertThat(group.isAlive()).isFalse();
        assertThat(steps).containsExactly("release [2] lost=false drain=300", "hand [2]");
    }

    @Test
    void filesNotLetGoWithinThePatienceStillHandTheWorkOver() throws Exception {
        FilesHandOver handOver = new FilesHandOver(released(new CompletableFuture<>()), work, DRAIN,
                Duration.ofMillis(50));

        handOver.revoked(Set.of(0, 5));

        assertThat(steps).containsExactly("release [0, 5] lost=false drain=300", "hand [0, 5]");
    }

    @Test
    void filesAlreadyLetGoByTheStopStillHandTheWorkOver() {
        FilesHandOver handOver = new FilesHandOver(
                released(CompletableFuture.failedFuture(new IllegalStateException("stopped"))), work, DRAIN,
                Duration.ofSeconds(5));

        handOver.revoked(Set.of(3));

        assertThat(steps).containsExactly("release [3] lost=false drain=300", "hand [3]");
    }

    @Test
    void anInterruptedWaitStillHandsTheWorkOverAndKeepsTheInterrupt() throws Exception {
        FilesHandOver handOver = new FilesHandOver(released(new CompletableFuture<>()), work, DRAIN,
                Duration.ofSeconds(30));
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread group = new Thread(() -> {
            handOver.revoked(Set.of(2));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        }, "Files group");
        group.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !steps.isEmpty()
                && group.getState() == Thread.State.TIMED_WAITING);

        group.interrupt();
        group.join(10_000);

        assertThat(group.isAlive()).isFalse();
        assertThat(steps).containsExactly("release [2] lost=false drain=300", "hand [2]");
        assertThat(stillInterrupted).as("the stop that interrupted the group's thread still sees it").isTrue();
    }

    @Test
    void aPartitionWhoseFilesOutlivedThePatienceIsReadAgainOnlyOnceTheyAreLetGo() {
        CompletableFuture<Void> letGo = new CompletableFuture<>();
        FilesHandOver handOver = new FilesHandOver(released(letGo), work, DRAIN, Duration.ofMillis(50));
        handOver.revoked(Set.of(2));

        assertThatThrownBy(() -> handOver.awaitLetGo(Set.of(1, 2)))
                .hasMessage("files partition 2 is still being let go here (its hand-over outlived the group's wait)");
        handOver.awaitLetGo(Set.of(1));

        letGo.complete(null);
        handOver.awaitLetGo(Set.of(1, 2));
        assertThat(steps).containsExactly("release [2] lost=false drain=300", "hand [2]");
    }

    @Test
    void theGroupWaitsTwiceTheDrainAndFiveSecondsForTheCheckpoints() {
        assertThat(FilesHandOver.patienceFor(Duration.ofSeconds(15))).isEqualTo(Duration.ofSeconds(35));
    }

    private FilesHandOver.Release released(CompletableFuture<Void> outcome) {
        return (partitions, lost, drain) -> {
            steps.add("release " + new TreeSet<>(partitions) + " lost=" + lost + " drain=" + drain.toMillis());
            return outcome;
        };
    }
}
