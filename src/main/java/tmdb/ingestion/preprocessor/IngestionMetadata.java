package tmdb.ingestion.preprocessor;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import tmdb.ingestion.RecordHeaders;
import tmdb.ingestion.RecordProperties;
import tmdb.ingestion.file.TrackedFile;
import tmdb.ingestion.loader.SourceLine;

/**
 * Sets the ingestion metadata headers: type, label, source file and line, run id and wall-clock ingest time.
 * They travel to Kafka as record headers.
 */
public final class IngestionMetadata implements Processor {

    private final String runId;

    public IngestionMetadata(String runId) {
        this.runId = runId;
    }

    @Override
    public void process(Exchange exchange) {
        TrackedFile file = exchange.getProperty(RecordProperties.FILE, TrackedFile.class);
        SourceLine line = exchange.getProperty(RecordProperties.SOURCE_LINE, SourceLine.class);
        Message message = exchange.getIn();
        message.setHeader(RecordHeaders.DATA_TYPE, file.type());
        message.setHeader(RecordHeaders.DATA_LABEL, file.label());
        message.setHeader(RecordHeaders.SOURCE_FILE, file.identity());
        message.setHeader(RecordHeaders.SOURCE_LINE, Long.toString(line.number()));
        message.setHeader(RecordHeaders.RUN_ID, runId);
        message.setHeader(RecordHeaders.INGEST_TIME, Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
    }
}
