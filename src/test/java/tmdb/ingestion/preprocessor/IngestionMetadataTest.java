package tmdb.ingestion.preprocessor;

import java.time.Duration;
import java.time.Instant;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import tmdb.ingestion.RecordHeaders;
import tmdb.ingestion.RecordProperties;
import tmdb.ingestion.file.TrackedFile;
import tmdb.ingestion.loader.SourceLine;

import static org.assertj.core.api.Assertions.assertThat;

class IngestionMetadataTest {

    @Test
    void setsTypeLabelSourceRunAndIngestTimeAsStringHeaders() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(RecordProperties.FILE,
                new TrackedFile("tv_series/change/p.jsonl", "tv_series", "change", null, null, null));
        exchange.setProperty(RecordProperties.SOURCE_LINE, new SourceLine(42, new byte[0], 0));

        new IngestionMetadata("run-1").process(exchange);

        assertThat(exchange.getIn().getHeaders())
                .containsEntry(RecordHeaders.DATA_TYPE, "tv_series")
                .containsEntry(RecordHeaders.DATA_LABEL, "change")
                .containsEntry(RecordHeaders.SOURCE_FILE, "tv_series/change/p.jsonl")
                .containsEntry(RecordHeaders.SOURCE_LINE, "42")
                .containsEntry(RecordHeaders.RUN_ID, "run-1");
        Instant ingested = Instant.parse(exchange.getIn().getHeader(RecordHeaders.INGEST_TIME, String.class));
        assertThat(Duration.between(ingested, Instant.now())).isLessThan(Duration.ofSeconds(5));
    }
}
