package tmdb.ingestion.deadletter;

import org.junit.jupiter.api.Test;
import tmdb.ingestion.file.SourceLine;
import tmdb.ingestion.record.Record;
import tmdb.ingestion.record.RecordHeaders;
import tmdb.ingestion.record.Rejection;
import tmdb.ingestion.support.Records;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterRecordTest {

    private static Record deadLetter(SourceLine line, Rejection rejection, Long id) {
        Record record = Records.record("movie/new/a.jsonl", line.number(), line.bytes(), line.length());
        if (id != null) {
            record.idFound(id);
        }
        record.reject(rejection, "why");
        record.header(RecordHeaders.TIMESTAMP, "2026-01-01T00:00:00Z");
        new DeadLetterRecord("dlq", 8).process(record);
        return record;
    }

    @Test
    void theValueIsTheLineExactlyAsReadWithTheReasonInHeadersAndTheIdAsKey() {
        byte[] invalidUtf8 = {'{', (byte) 0xC3, (byte) 0x28, '}'};

        Record record = deadLetter(new SourceLine(3, invalidUtf8, 4), Rejection.MALFORMED_JSON, 42L);

        assertThat(record.value()).isEqualTo(invalidUtf8);
        assertThat(record.headers())
                .containsEntry(DeadLetterHeaders.REASON, "malformed_json")
                .containsEntry(DeadLetterHeaders.MESSAGE, "why")
                .containsEntry(DeadLetterHeaders.ORIGINAL_LENGTH, "4")
                .containsEntry(DeadLetterHeaders.TRUNCATED, "false")
                .doesNotContainKey(RecordHeaders.TIMESTAMP);
        assertThat(record.key()).isEqualTo("42");
        assertThat(record.topic()).isEqualTo("dlq");
    }

    @Test
    void withoutAnIdThereIsNoKey() {
        Record record = deadLetter(new SourceLine(3, "[1]".getBytes(), 3), Rejection.NOT_AN_OBJECT, null);

        assertThat(record.key()).isNull();
    }

    @Test
    void anOversizedLineKeepsItsFirstBytesAndItsLength() {
        Record record = deadLetter(new SourceLine(9, "0123456789abc".getBytes(), 1_000_000),
                Rejection.LINE_TOO_LONG, null);

        assertThat(record.value()).isEqualTo("01234567".getBytes());
        assertThat(record.headers())
                .containsEntry(DeadLetterHeaders.ORIGINAL_LENGTH, "1000000")
                .containsEntry(DeadLetterHeaders.TRUNCATED, "true");
    }
}
