package tmdb.ingestion.preprocessor;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tmdb.ingestion.config.RecordType;
import tmdb.ingestion.config.TypeCatalog;
import tmdb.ingestion.record.Record;
import tmdb.ingestion.record.Rejection;
import tmdb.ingestion.support.Records;

import static org.assertj.core.api.Assertions.assertThat;

class RecordParserTest {

    private final RecordParser parser = new RecordParser(
            new TypeCatalog(Map.of("movie", new RecordType("movie", "tmdb.movies.raw", "movie_id", "movie_detail"))), 100);

    private Record parse(byte[] bytes, long length) {
        Record record = Records.record("movie/new/a.jsonl", 7, bytes, length);
        parser.process(record);
        return record;
    }

    private Record parse(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return parse(bytes, bytes.length);
    }

    @Test
    void acceptsAnObjectWithAnIntegerIdAndFindsTheId() {
        Record record = parse("{\"movie_id\": 603, \"movie_detail\": {\"title\": \"The Matrix\"}, \"casts_info\": []}");

        assertThat(record.rejection()).isNull();
        assertThat(record.tmdbId()).isEqualTo(603L);
        assertThat(record.hasReservedFields()).isFalse();
    }

    @Test
    void notesWhenTheRecordAlreadyCarriesAFieldTheIngesterSets() {
        Record record = parse("{\"movie_id\": 1, \"timestamp\": \"x\"}");

        assertThat(record.hasReservedFields()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "truncated line              | {\"movie_id\": 603, \"movie_detail\": {\"title\": \"The Ma | MALFORMED_JSON",
        "garbage                     | <html>502 Bad Gateway</html>                         | MALFORMED_JSON",
        "two objects on one line     | {\"movie_id\": 1} {\"movie_id\": 2}                  | MALFORMED_JSON",
        "array                       | [1, 2, 3]                                            | NOT_AN_OBJECT",
        "string                      | \"just text\"                                        | NOT_AN_OBJECT",
        "id missing                  | {\"movie_detail\": {}}                               | ID_MISSING",
        "id of another type          | {\"person_id\": 5}                                   | ID_MISSING",
        "id is a float               | {\"movie_id\": 603.5}                                | ID_NOT_INTEGER",
        "id is null                  | {\"movie_id\": null}                                 | ID_NOT_INTEGER",
        "id is an object             | {\"movie_id\": {\"id\": 1}}                          | ID_NOT_INTEGER",
        "id beyond a long            | {\"movie_id\": 123456789012345678901234567890}       | ID_NOT_INTEGER",
        "id a string of words        | {\"movie_id\": \"six hundred\"}                    | ID_NOT_INTEGER",
        "id a signed string          | {\"movie_id\": \"-603\"}                           | ID_NOT_INTEGER",
        "control byte in a string    | {\"movie_id\": 1, \"t\": \"a\u0001b\"}               | MALFORMED_JSON"})
    void rejectsWithTheReason(String name, String line, Rejection expected) {
        Record record = parse(line);

        assertThat(record.rejection()).isEqualTo(expected);
        assertThat(record.rejectionDetail()).isNotBlank();
        assertThat(record.tmdbId()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "detail null                 | {\"movie_id\": 1, \"movie_detail\": null}           | DETAIL_NULL",
        "detail TMDB error           | {\"movie_id\": 1, \"movie_detail\": {\"success\": false, \"status_code\": 34, \"status_message\": \"The resource you requested could not be found.\"}} | DETAIL_ERROR",
        "detail with status code     | {\"movie_id\": 1, \"movie_detail\": {\"status_code\": 25}} | DETAIL_ERROR"})
    void rejectsABadDetailButKeepsTheIdSoTheDeadLetterIsKeyed(String name, String line, Rejection expected) {
        Record record = parse(line);

        assertThat(record.rejection()).isEqualTo(expected);
        assertThat(record.rejectionDetail()).isNotBlank();
        assertThat(record.tmdbId()).isEqualTo(1L);
    }

    @Test
    void aLineWithANulByteIsDeadLetteredAlone() {
        Record inString = parse("{\"movie_id\": 1, \"movie_detail\": {\"title\": \"a\u0000b\"}}");
        Record between = parse("{\"movie_id\": 1,\u0000 \"movie_detail\": {}}");

        assertThat(inString.rejection()).isEqualTo(Rejection.MALFORMED_JSON);
        assertThat(inString.rejectionDetail()).contains("code 0");
        assertThat(between.rejection()).isEqualTo(Rejection.MALFORMED_JSON);
    }

    @Test
    void acceptsADetailThatMerelyHasAStatus() {
        Record record = parse("{\"movie_id\": 1, \"movie_detail\": {\"status\": \"Released\", \"success\": true}}");

        assertThat(record.rejection()).isNull();
    }

    @Test
    void acceptsAnIdGivenAsAStringOfDigitsAndLocatesItForNormalising() {
        String line = "{\"movie_detail\": {}, \"movie_id\": \"603\", \"x\": 1}";

        Record parsed = parse(line);

        assertThat(parsed.tmdbId()).isEqualTo(603L);
        assertThat(parsed.idNeedsNormalising()).isTrue();
        assertThat(line.substring(parsed.idTextStart(), parsed.idTextEnd())).isEqualTo("\"603\"");
    }

    @Test
    void rejectsInvalidUtf8AsMalformed() {
        byte[] bytes = {'{', '"', 'm', 'o', 'v', 'i', 'e', '_', 'i', 'd', '"', ':', '1', ',', '"', 't', '"', ':', '"',
            (byte) 0xC3, (byte) 0x28, '"', '}'};

        assertThat(parse(bytes, bytes.length).rejection()).isEqualTo(Rejection.MALFORMED_JSON);
    }

    @Test
    void rejectsAnOversizedLineWithItsLength() {
        byte[] prefix = "{\"movie_id\": 1, \"x\": \"".getBytes(StandardCharsets.UTF_8);

        Record record = parse(prefix, 5_000_000);

        assertThat(record.rejection()).isEqualTo(Rejection.LINE_TOO_LONG);
        assertThat(record.rejectionDetail()).contains("5000000");
    }
}
