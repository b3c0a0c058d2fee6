package tmdb.ingestion.producer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.file.SourceFile;
import tmdb.ingestion.file.SourceLine;
import tmdb.ingestion.producer.TransactionBatch.Pending;
import tmdb.ingestion.producer.TransactionBatch.Saving;
import tmdb.ingestion.record.Record;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an open transaction holds: the budget of its records counted in the backlog until a commit takes them, a
 * failed transaction's records and checkpoints before those that came since, and nothing entering once the stop
 * abandoned it.
 */
class TransactionBatchTest {

    private static final int LINE_PERMITS = 100;

    private final InFlightBudget budget = new InFlightBudget(1 << 20);
    private final AtomicInteger commitsAsked = new AtomicInteger();
    private final CommitBacklog backlog = new CommitBacklog(3L * LINE_PERMITS);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final TransactionBatch batch = new TransactionBatch(backlog, running::get);
    private final SourceFile file = SourceFile.of(1, "movie/new/a.jsonl", "movie", "new", 0);

    TransactionBatchTest() {
        backlog.join(commitsAsked::incrementAndGet);
    }

    @Test
    void recordsHoldTheBacklogUntilACommitTakesThem() throws Exception {
        batch.add(pending(1));
        batch.add(pending(2));
        assertThat(backlog.bytes()).isEqualTo(2L * LINE_PERMITS);
        assertThat(commitsAsked).hasValue(0);

        batch.add(pending(3));
        assertThat(commitsAsked).as("the backlog reaching its threshold makes every sender commit").hasValue(1);

        TransactionBatch.Taken taken = batch.take();
        assertThat(taken.records()).extracting(pending -> pending.record().line().number()).containsExactly(1L, 2L, 3L);
        assertThat(backlog.bytes()).isZero();
        assertThat(batch.take().records()).isEmpty();
    }

    @Test
    void aFailedTransactionsRecordsAndCheckpointsGoBeforeThoseSentSince() throws Exception {
        Saving first = saving("movie/new/a.jsonl");
        batch.add(pending(1));
        batch.save(first, "ended");
        TransactionBatch.Taken failed = batch.take();
        Saving since = saving("movie/new/b.jsonl");
        batch.add(pending(2));
        batch.save(since, "ended");

        batch.saveAgain(failed.checkpoints(), "stopped");
        assertThat(batch.sentAgain(failed.records())).isTrue();

        assertThat(backlog.bytes()).isEqualTo(2L * LINE_PERMITS);
        TransactionBatch.Taken next = batch.take();
        assertThat(next.records()).extracting(pending -> pending.record().line().number()).containsExactly(1L, 2L);
        assertThat(next.checkpoints()).containsExactly(first, since);
    }

    @Test
    void theStopFailsWhatWaitsAndLetsNothingInAfter() throws Exception {
        Saving waiting = saving("movie/new/a.jsonl");
        batch.add(pending(1));
        batch.save(waiting, "ended");
        long heldBefore = budget.bytesInFlight();

        // the sender's state may still say running: the batch, once abandoned, lets nothing in regardless
        batch.abandon("this instance stopped");

        assertThat(waiting.saved()).isCompletedExceptionally();
        assertThat(backlog.bytes()).isZero();
        assertThat(budget.bytesInFlight()).isEqualTo(heldBefore - LINE_PERMITS);

        long heldAfterStop = budget.bytesInFlight();
        batch.add(pending(2));
        Pending again = pending(3);
        assertThat(batch.sentAgain(List.of(again))).isFalse();
        Saving late = saving("movie/new/b.jsonl");
        batch.save(late, "ended");
        assertThat(late.saved()).isCompletedExceptionally();
        Saving failedCommits = saving("movie/new/c.jsonl");
        batch.saveAgain(new ArrayList<>(List.of(failedCommits)), "stopped");
        assertThat(failedCommits.saved()).isCompletedExceptionally();
        assertThat(budget.bytesInFlight()).as("records arriving after the stop give their budget back")
                .isEqualTo(heldAfterStop);
        assertThat(batch.take().records()).isEmpty();
        assertThat(backlog.bytes()).isZero();
    }

    @Test
    void aCheckpointSavedOnceTheTransactionsEndedFailsAtOnce() {
        running.set(false);
        Saving late = saving("movie/new/a.jsonl");
        batch.save(late, "the transactions of files partition 0 have ended");
        assertThat(late.saved()).failsWithin(Duration.ZERO).withThrowableOfType(Exception.class)
                .withMessageContaining("the transactions of files partition 0 have ended");
        assertThat(batch.take().checkpoints()).isEmpty();
    }

    private Pending pending(long number) throws InterruptedException {
        byte[] bytes = ("{\"movie_id\": " + number + "}").getBytes(StandardCharsets.UTF_8);
        budget.acquire(LINE_PERMITS);
        Record record = new Record(file, new SourceLine(number, bytes, bytes.length, 0, 0, LINE_PERMITS), number,
                budget, LINE_PERMITS);
        record.value(bytes);
        record.address("movies", Long.toString(number));
        return new Pending(record);
    }

    private static Saving saving(String path) {
        return new Saving(new Checkpoint(path, 100, "fingerprint", 2, 20, 20, List.of(), false), new CompletableFuture<>());
    }
}
