package tmdb.ingestion.ledger;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.checkpoint.FileIdentity;
import tmdb.ingestion.loader.SourceLine;

import static org.assertj.core.api.Assertions.assertThat;

class FileLedgerTest {

    private final FileLedger ledger = new FileLedger(null, "movie/new/a.jsonl", "movie", "new");

    @Test
    void settlesOnlyWhenReadToTheEndAndEveryRecordIsResolved() {
        ledger.admitted(line(1));
        ledger.admitted(line(2));
        ledger.admitted(line(3));
        assertThat(ledger.published(1)).isFalse();
        assertThat(ledger.deadLettered(2)).isFalse();
        assertThat(ledger.readingFinished(4, 1, false)).isFalse();

        assertThat(ledger.published(3)).isTrue();
        assertThat(ledger.outcome()).isEqualTo(FileLedger.Outcome.DONE);
        assertThat(ledger.summary()).isEqualTo("4 lines: 2 published, 1 dead-lettered, 1 blank skipped");
    }

    @Test
    void settlesWhenTheLastAcknowledgementCameBeforeTheEndOfReading() {
        ledger.admitted(line(1));
        assertThat(ledger.published(1)).isFalse();

        assertThat(ledger.readingFinished(1, 0, false)).isTrue();
    }

    @Test
    void aRecordNotDeliveredFailsTheFile() {
        ledger.admitted(line(1));
        ledger.readingFinished(1, 0, false);

        assertThat(ledger.failed()).isTrue();
        assertThat(ledger.outcome()).isEqualTo(FileLedger.Outcome.FAILED);
        assertThat(ledger.summary()).contains("1 NOT delivered");
    }

    @Test
    void aReadErrorFailsTheFileAndAStopInterruptsIt() {
        assertThat(ledger.readingFailed(10, 0, "disk on fire")).isTrue();
        assertThat(ledger.outcome()).isEqualTo(FileLedger.Outcome.FAILED);

        FileLedger stopped = new FileLedger(null, "movie/new/b.jsonl", "movie", "new");
        assertThat(stopped.readingFinished(3, 0, true)).isTrue();
        assertThat(stopped.outcome()).isEqualTo(FileLedger.Outcome.INTERRUPTED);
    }

    @Test
    void settlesOnce() {
        ledger.readingFinished(0, 0, false);

        assertThat(ledger.readingFinished(0, 0, false)).isFalse();
    }

    @Test
    void theCheckpointStopsBeforeTheFirstUnresolvedLineWhateverTheOrderOfAcknowledgements() {
        ledger.identified(new FileIdentity("movie/new/a.jsonl", 1000, "f00d"), null);
        for (int number = 1; number <= 5; number++) {
            ledger.admitted(line(number));
        }
        ledger.published(2);
        ledger.deadLettered(3);
        assertThat(ledger.progressToSave()).as("line 1 is still unresolved")
                .hasValueSatisfying(progress -> assertThat(progress.line()).isZero());
        assertThat(ledger.progressToSave()).as("nothing moved since").isEmpty();

        ledger.published(1);
        Checkpoint progress = ledger.progressToSave().orElseThrow();
        assertThat(progress.line()).isEqualTo(3);
        assertThat(progress.offset()).as("where line 4 starts").isEqualTo(line(4).offset());
        assertThat(progress.readUpTo()).isEqualTo(5);
        assertThat(progress.pending()).containsExactly(4L, 5L);
        assertThat(progress.done()).isFalse();

        ledger.published(5);
        ledger.published(4);
        assertThat(ledger.progressToSave().orElseThrow().offset()).isEqualTo(line(5).nextOffset());
    }

    @Test
    void aLineNotDeliveredHoldsTheCheckpointBackSoThatItIsNeverSkipped() {
        ledger.identified(new FileIdentity("movie/new/a.jsonl", 1000, "f00d"), null);
        ledger.admitted(line(1));
        ledger.admitted(line(2));
        ledger.failed();
        ledger.published(2);
        assertThat(ledger.progressToSave().orElseThrow().line()).isZero();
    }

    @Test
    void aResumedFileSkipsTheLinesResolvedBeforeAndCarriesThePreviousKnowledgeOn() {
        Checkpoint from = new Checkpoint("movie/new/a.jsonl", 1000, "f00d", 7, line(8).offset(), 12,
                List.of(8L, 10L), false);
        ledger.identified(new FileIdentity("movie/new/a.jsonl", 1000, "f00d"), from);
        assertThat(ledger.resolvedThrough()).isEqualTo(7);
        assertThat(ledger.resolvedBefore(8)).isFalse();
        assertThat(ledger.pendingBefore(8)).isTrue();
        assertThat(ledger.resolvedBefore(9)).isTrue();
        assertThat(ledger.resolvedBefore(13)).as("not read before the stop").isFalse();

        ledger.admitted(line(8));
        ledger.published(8);
        ledger.passed(line(9));
        Checkpoint next = ledger.progressToSave().orElseThrow();
        assertThat(next.line()).isEqualTo(9);
        assertThat(next.offset()).isEqualTo(line(10).offset());
        assertThat(next.readUpTo()).as("what the previous run knew still counts").isEqualTo(12);
        assertThat(next.pending()).containsExactly(10L);
        assertThat(next.resolvedBefore(11)).isTrue();
    }

    @Test
    void theCheckpointOfATransactionCountsItsLinesAsResolved() {
        ledger.identified(new FileIdentity("movie/new/a.jsonl", 1000, "f00d"), null);
        for (int number = 1; number <= 4; number++) {
            ledger.admitted(line(number));
        }
        Checkpoint committed = ledger.progressAssuming(java.util.Set.of(1L, 3L)).orElseThrow();
        assertThat(committed.line()).isEqualTo(1);
        assertThat(committed.offset()).isEqualTo(line(2).offset());
        assertThat(committed.pending()).containsExactly(2L, 4L);
        assertThat(ledger.resolvedThrough()).as("nothing is resolved before the commit").isZero();
    }

    /** Line n of a file whose lines are all 100 bytes long, newline included. */
    private static SourceLine line(long number) {
        byte[] bytes = "x".repeat(99).getBytes(StandardCharsets.UTF_8);
        return new SourceLine(number, bytes, bytes.length, (number - 1) * 100, number * 100);
    }
}
