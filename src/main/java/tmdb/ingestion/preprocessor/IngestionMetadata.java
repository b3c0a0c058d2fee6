package tmdb.ingestion.preprocessor;

import tmdb.ingestion.record.Record;
import tmdb.ingestion.record.RecordHeaders;
import tmdb.ingestion.record.RecordProcessor;

/**
 * Sets the ingestion metadata headers: type, label, source file and line, run id. They travel to Kafka as record
 * headers; the wall-clock {@code ingest_time} is added when the record is released to Kafka.
 */
public final class IngestionMetadata implements RecordProcessor {

    private final String runId;

    public IngestionMetadata(String runId) {
        this.runId = runId;
    }

    @Override
    public void process(Record record) {
        record.header(RecordHeaders.DATA_TYPE, record.type());
        record.header(RecordHeaders.DATA_LABEL, record.label());
        record.header(RecordHeaders.SOURCE_FILE, record.file().identity());
        record.header(RecordHeaders.SOURCE_LINE, Long.toString(record.line().number()));
        record.header(RecordHeaders.RUN_ID, runId);
    }
}
