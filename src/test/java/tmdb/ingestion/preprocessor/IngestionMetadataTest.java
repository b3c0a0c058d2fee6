package tmdb.ingestion.preprocessor;

import org.junit.jupiter.api.Test;
import tmdb.ingestion.record.Record;
import tmdb.ingestion.record.RecordHeaders;
import tmdb.ingestion.support.Records;

import static org.assertj.core.api.Assertions.assertThat;

class IngestionMetadataTest {

    @Test
    void setsTypeLabelSourceAndRunAsStringHeaders() {
        Record record = Records.record("tv_series/change/p.jsonl", 42, new byte[0], 0);

        new IngestionMetadata("run-1").process(record);

        assertThat(record.headers())
                .containsEntry(RecordHeaders.DATA_TYPE, "tv_series")
                .containsEntry(RecordHeaders.DATA_LABEL, "change")
                .containsEntry(RecordHeaders.SOURCE_FILE, "tv_series/change/p.jsonl")
                .containsEntry(RecordHeaders.SOURCE_LINE, "42")
                .containsEntry(RecordHeaders.RUN_ID, "run-1");
    }
}
