package tmdb.ingestion.preprocessor;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import tmdb.ingestion.RecordHeaders;
import tmdb.ingestion.RecordProperties;

import static org.assertj.core.api.Assertions.assertThat;

class RecordEnricherTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private byte[] enrich(String line, boolean reserved) throws Exception {
        return enrich(line, new RecordParser.Parsed(603, reserved));
    }

    private byte[] enrich(String line, RecordParser.Parsed parsed) throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setBody(line.getBytes(StandardCharsets.UTF_8));
        exchange.getIn().setHeader(RecordHeaders.DATA_TYPE, "movie");
        exchange.getIn().setHeader(RecordHeaders.DATA_LABEL, "change");
        exchange.getIn().setHeader(RecordHeaders.TIMESTAMP, "2026-01-14T08:03:11Z");
        exchange.setProperty(RecordProperties.PARSED, parsed);
        new RecordEnricher().process(exchange);
        return exchange.getIn().getBody(byte[].class);
    }

    @Test
    void splicesTheFieldsInAndKeepsEveryOriginalByte() throws Exception {
        String original = "{\"movie_id\": 603, \"movie_detail\": {\"title\": \"千と千尋\", \"vote_average\": 1e1, "
                + "\"popularity\": 7.50}, \"casts_info\": []}";

        String enriched = new String(enrich(original + "  ", false), StandardCharsets.UTF_8);

        assertThat(enriched).isEqualTo(original.substring(0, original.length() - 1)
                + ",\"data_type\":\"movie\",\"data_label\":\"change\",\"timestamp\":\"2026-01-14T08:03:11Z\"}");
        JsonNode record = mapper.readTree(enriched);
        assertThat(record.get("timestamp").asText()).isEqualTo("2026-01-14T08:03:11Z");
        assertThat(record.get("movie_detail").get("title").asText()).isEqualTo("千と千尋");
    }

    @Test
    void replacesFieldsTheRecordAlreadyHadInsteadOfDuplicatingThem() throws Exception {
        JsonNode record = mapper.readTree(enrich(
                "{\"movie_id\": 603, \"timestamp\": \"1999-01-01T00:00:00Z\", \"data_type\": \"tv\"}", true));

        assertThat(record.get("timestamp").asText()).isEqualTo("2026-01-14T08:03:11Z");
        assertThat(record.get("data_type").asText()).isEqualTo("movie");
        assertThat(record.get("data_label").asText()).isEqualTo("change");
        assertThat(record.size()).isEqualTo(4);
    }

    @Test
    void replacesAnIdGivenAsAStringByTheNumberAndKeepsTheRest() throws Exception {
        String line = "{\"movie_id\": \"603\", \"movie_detail\": {\"title\": \"Сталкер\"}}";
        int start = line.indexOf("\"603\"");

        String enriched = new String(enrich(line, new RecordParser.Parsed(603, false, start, start + 5)),
                StandardCharsets.UTF_8);

        assertThat(enriched).startsWith("{\"movie_id\": 603, \"movie_detail\": {\"title\": \"Сталкер\"},\"data_type\"");
        assertThat(mapper.readTree(enriched).get("movie_id").isIntegralNumber()).isTrue();
    }

    @Test
    void splicesIntoAnEmptyObjectWithoutALeadingComma() {
        byte[] enriched = RecordEnricher.splice("{ }".getBytes(StandardCharsets.UTF_8), "movie", "new", "t");

        assertThat(new String(enriched, StandardCharsets.UTF_8))
                .isEqualTo("{ \"data_type\":\"movie\",\"data_label\":\"new\",\"timestamp\":\"t\"}");
    }

    @Test
    void escapesValuesThatNeedIt() throws Exception {
        byte[] enriched = RecordEnricher.splice("{\"a\":1}".getBytes(StandardCharsets.UTF_8), "we\"ird", "new", "t");

        assertThat(mapper.readTree(enriched).get("data_type").asText()).isEqualTo("we\"ird");
    }
}
