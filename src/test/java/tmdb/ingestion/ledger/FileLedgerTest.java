package tmdb.ingestion.ledger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FileLedgerTest {

    private final FileLedger ledger = new FileLedger(null, "movie/new/a.jsonl", "movie", "new");

    @Test
    void settlesOnlyWhenReadToTheEndAndEveryRecordIsResolved() {
        ledger.admitted();
        ledger.admitted();
        ledger.admitted();
        assertThat(ledger.published()).isFalse();
        assertThat(ledger.deadLettered()).isFalse();
        assertThat(ledger.readingFinished(4, 1, false)).isFalse();

        assertThat(ledger.published()).isTrue();
        assertThat(ledger.outcome()).isEqualTo(FileLedger.Outcome.DONE);
        assertThat(ledger.summary()).isEqualTo("4 lines: 2 published, 1 dead-lettered, 1 blank skipped");
    }

    @Test
    void settlesWhenTheLastAcknowledgementCameBeforeTheEndOfReading() {
        ledger.admitted();
        assertThat(ledger.published()).isFalse();

        assertThat(ledger.readingFinished(1, 0, false)).isTrue();
    }

    @Test
    void aRecordNotDeliveredFailsTheFile() {
        ledger.admitted();
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
}
