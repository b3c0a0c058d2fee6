package tmdb.ingestion.preprocessor;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import tmdb.ingestion.record.Record;
import tmdb.ingestion.record.RecordHeaders;
import tmdb.ingestion.support.Records;

import static org.assertj.core.api.Assertions.assertThat;

class RecordEnricherTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private byte[] enrich(String line, boolean reserved) throws Exception {
        return enrich(line, reserved, -1);
    }

    /** The enriched value of a valid movie/change record whose id 603 is a string at {@code idStart} (or -1). */
    private byte[] enrich(String line, boolean reserved, int idStart) throws Exception {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        Record record = Records.record("movie/change/a.jsonl", 1, bytes, bytes.length);
        record.validated(603, reserved, idStart, idStart < 0 ? -1 : idStart + 5);
        record.header(RecordHeaders.TIMESTAMP, "2026-01-14T08:03:11Z");
        new RecordEnricher().process(record);
        return record.value();
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

        String enriched = new String(enrich(line, false, start),
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
