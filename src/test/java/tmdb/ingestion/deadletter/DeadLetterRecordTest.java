package tmdb.ingestion.deadletter;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import tmdb.ingestion.RecordHeaders;
import tmdb.ingestion.RecordProperties;
import tmdb.ingestion.loader.SourceLine;
import tmdb.ingestion.preprocessor.Rejection;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterRecordTest {

    private static Exchange deadLetter(SourceLine line, Rejection rejection, Long id) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(RecordProperties.SOURCE_LINE, line);
        exchange.setProperty(RecordProperties.REJECTION, rejection);
        exchange.setProperty(RecordProperties.REJECTION_DETAIL, "why");
        exchange.setProperty(RecordProperties.TMDB_ID, id);
        exchange.getIn().setBody("enriched value, not the original".getBytes());
        exchange.getIn().setHeader(RecordHeaders.TIMESTAMP, "2026-01-01T00:00:00Z");
        exchange.getIn().setHeader(KafkaConstants.KEY, "stale");
        new DeadLetterRecord("dlq", 8).process(exchange);
        return exchange;
    }

    @Test
    void theValueIsTheLineExactlyAsReadWithTheReasonInHeadersAndTheIdAsKey() {
        byte[] invalidUtf8 = {'{', (byte) 0xC3, (byte) 0x28, '}'};

        Exchange exchange = deadLetter(new SourceLine(3, invalidUtf8, 4), Rejection.MALFORMED_JSON, 42L);

        assertThat(exchange.getIn().getBody(byte[].class)).isEqualTo(invalidUtf8);
        assertThat(exchange.getIn().getHeaders())
                .containsEntry(DeadLetterHeaders.REASON, "malformed_json")
                .containsEntry(DeadLetterHeaders.MESSAGE, "why")
                .containsEntry(DeadLetterHeaders.ORIGINAL_LENGTH, "4")
                .containsEntry(DeadLetterHeaders.TRUNCATED, "false")
                .containsEntry(KafkaConstants.KEY, "42")
                .doesNotContainKey(RecordHeaders.TIMESTAMP);
        assertThat(exchange.getProperty(RecordProperties.TOPIC)).isEqualTo("dlq");
    }

    @Test
    void withoutAnIdThereIsNoKey() {
        Exchange exchange = deadLetter(new SourceLine(3, "[1]".getBytes(), 3), Rejection.NOT_AN_OBJECT, null);

        assertThat(exchange.getIn().getHeaders()).doesNotContainKey(KafkaConstants.KEY);
    }

    @Test
    void anOversizedLineKeepsItsFirstBytesAndItsLength() {
        Exchange exchange = deadLetter(new SourceLine(9, "0123456789abc".getBytes(), 1_000_000),
                Rejection.LINE_TOO_LONG, null);

        assertThat(exchange.getIn().getBody(byte[].class)).isEqualTo("01234567".getBytes());
        assertThat(exchange.getIn().getHeaders())
                .containsEntry(DeadLetterHeaders.ORIGINAL_LENGTH, "1000000")
                .containsEntry(DeadLetterHeaders.TRUNCATED, "true");
    }
}
