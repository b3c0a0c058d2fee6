package tmdb.ingestion.preprocessor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import tmdb.ingestion.config.RecordType;
import tmdb.ingestion.config.TypeCatalog;
import tmdb.ingestion.record.Record;
import tmdb.ingestion.support.Records;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The validator decides every line exactly as Jackson's parser alone does — the same rejection, the same id, the
 * same notes for the enricher — on generated records and on records mutated byte by byte; and well-formed records
 * take its fast path.
 */
class RecordScanPropertiesTest {

    private static final RecordType MOVIE = new RecordType("movie", "movies", "movie_id", "movie_detail");
    private final RecordParser parser = new RecordParser(new TypeCatalog(Map.of("movie", MOVIE)), 1 << 20);

    @Property(tries = 3000)
    void decidesEveryLineAsJacksonAloneDoes(@ForAll("mutatedRecords") byte[] line) {
        Record decided = record(line);
        parser.process(decided);
        Record byJackson = record(line);
        parser.parse(byJackson, line, MOVIE);

        assertThat(decided.rejection()).isEqualTo(byJackson.rejection());
        assertThat(decided.rejectionDetail()).isEqualTo(byJackson.rejectionDetail());
        assertThat(decided.tmdbId()).isEqualTo(byJackson.tmdbId());
        assertThat(decided.hasReservedFields()).isEqualTo(byJackson.hasReservedFields());
        assertThat(decided.idNeedsNormalising()).isEqualTo(byJackson.idNeedsNormalising());
        assertThat(decided.idTextStart()).isEqualTo(byJackson.idTextStart());
        assertThat(decided.idTextEnd()).isEqualTo(byJackson.idTextEnd());
    }

    @Property(tries = 1000)
    void wellFormedRecordsTakeTheFastPath(@ForAll("goodRecords") byte[] line) {
        Record scanned = record(line);
        byte[][] names = RecordScan.fieldNames(MOVIE);

        assertThat(RecordScan.accept(scanned, line, names[0], names[1])).as(new String(line, StandardCharsets.UTF_8))
                .isTrue();
        Record byJackson = record(line);
        parser.parse(byJackson, line, MOVIE);
        assertThat(byJackson.rejection()).isNull();
        assertThat(scanned.tmdbId()).isEqualTo(byJackson.tmdbId());
    }

    private static Record record(byte[] line) {
        return Records.record("movie/new/a.jsonl", 1, line, line.length);
    }

    // --- generators ------------------------------------------------------------------------------------------------

    /** Records as collectors write them: ids of up to 18 digits (TMDB's have 7), any valid JSON around them. */
    @Provide
    Arbitrary<byte[]> goodRecords() {
        Arbitrary<String> id = Arbitraries.oneOf(Arbitraries.longs().between(-999_999_999_999_999_999L,
                        999_999_999_999_999_999L).map(String::valueOf),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(18).map(digits -> "\"" + digits + "\""));
        Arbitrary<String> detail = Combinators.combine(plainNames(), values(2, true)).as((n, v) -> n + ":" + v).list()
                .ofMaxSize(4).map(members -> "{" + String.join(",", members) + "}");
        return Combinators.combine(id, detail, fields(3, 3, true)).as((idText, detailText, extra) -> {
            List<String> members = new ArrayList<>(extra);
            members.add(0, "\"movie_id\": " + idText);
            members.add(Math.min(1, members.size()), "\"movie_detail\": " + detailText);
            return ("{" + String.join(", ", members) + "}").getBytes(StandardCharsets.UTF_8);
        });
    }

    @Provide
    Arbitrary<byte[]> mutatedRecords() {
        Arbitrary<String> id = Arbitraries.oneOf(Arbitraries.longs().map(String::valueOf),
                Arbitraries.strings().numeric().ofMaxLength(22).map(digits -> "\"" + digits + "\""),
                Arbitraries.of("603.5", "1e3", "-0", "007", "123456789012345678901234567890", "null", "\"-603\"",
                        "\"six\"", "{\"id\": 1}", "[1]", "true"));
        Arbitrary<String> detail = Arbitraries.oneOf(objects(3, false), values(2, false),
                Arbitraries.of("null", "{\"success\": false, \"status_code\": 34, \"status_message\": \"not found\"}",
                        "{\"status_code\": 7}", "{\"success\": true}", "{\"success\": \"false\"}"));
        Arbitrary<List<String>> members = Combinators.combine(id, detail, fields(4, 2, false), Arbitraries.integers()
                .between(0, 6)).as((idText, detailText, extra, shape) -> {
                    List<String> all = new ArrayList<>(extra);
                    switch (shape) {
                        case 0 -> { }
                        case 1 -> all.add("\"movie_id\": " + idText);
                        case 2 -> all.add("\"movie_id\": 1, \"movie_id\": " + idText);
                        case 3 -> all.add("\"timestamp\": \"x\", \"movie_id\": " + idText);
                        case 4 -> all.add("\"movie\\u005fid\": " + idText);
                        default -> all.add("\"movie_id\": " + idText);
                    }
                    all.add(shape == 5 ? "\"movie_detail\": 1, \"movie_detail\": " + detailText
                            : "\"movie_detail\": " + detailText);
                    return all;
                });
        Arbitrary<String> text = members.map(all -> "{" + String.join(", ", all) + "}");
        Arbitrary<List<Tuple.Tuple3<Integer, Integer, Integer>>> edits = Combinators.combine(
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 10_000),
                Arbitraries.integers().between(0, 255)).as(Tuple::of).list().ofMaxSize(3);
        return Combinators.combine(text, edits, Arbitraries.of(true, false)).as((json, changes, wrapped) -> {
            byte[] bytes = (wrapped ? json : " " + json + " ").getBytes(StandardCharsets.UTF_8);
            for (Tuple.Tuple3<Integer, Integer, Integer> change : changes) {
                bytes = mutate(bytes, change.get1(), change.get2(), change.get3());
            }
            return bytes;
        });
    }

    private static byte[] mutate(byte[] bytes, int kind, int where, int value) {
        if (bytes.length == 0) {
            return bytes;
        }
        int at = where % bytes.length;
        byte[] result;
        switch (kind) {
            case 0 -> {
                result = bytes.clone();
                result[at] = (byte) value;
            }
            case 1 -> {
                result = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, result, 0, at);
                result[at] = (byte) value;
                System.arraycopy(bytes, at, result, at + 1, bytes.length - at);
            }
            case 2 -> {
                result = new byte[bytes.length - 1];
                System.arraycopy(bytes, 0, result, 0, at);
                System.arraycopy(bytes, at + 1, result, at, bytes.length - at - 1);
            }
            default -> result = Arrays.copyOf(bytes, at);
        }
        return result;
    }

    /**
     * Extra top-level fields, now and then one the ingester sets; valid JSON with plain names (as collectors write
     * them), or anything.
     */
    private Arbitrary<List<String>> fields(int depth, int maxFields, boolean valid) {
        Arbitrary<String> name = Arbitraries.oneOf(valid ? plainNames() : names(false), Arbitraries.of("\"data_type\"", "\"timestamp\"",
                "\"casts_info\""));
        return Combinators.combine(name, values(depth, valid)).as((n, v) -> n + ": " + v).list().ofMaxSize(maxFields);
    }

    private Arbitrary<String> values(int depth, boolean valid) {
        Arbitrary<String> scalars = Arbitraries.oneOf(strings(valid), numbers(valid),
                Arbitraries.of("true", "false", "null"));
        if (depth == 0) {
            return scalars;
        }
        return Arbitraries.oneOf(scalars, scalars, objects(depth - 1, valid), arrays(depth - 1, valid));
    }

    private Arbitrary<String> objects(int depth, boolean valid) {
        return Combinators.combine(names(valid), Arbitraries.lazy(() -> values(depth, valid))).as((n, v) -> n + ":" + v)
                .list().ofMaxSize(4).map(members -> "{" + String.join(",", members) + "}");
    }

    private Arbitrary<String> arrays(int depth, boolean valid) {
        return Arbitraries.lazy(() -> values(depth, valid)).list().ofMaxSize(4)
                .map(items -> "[" + String.join(", ", items) + "]");
    }

    /** Names as collectors write them at the top of a record and of its detail: no character to escape. */
    private static Arbitrary<String> plainNames() {
        return Arbitraries.strings().alpha().numeric().withChars("_- ").ofMaxLength(12)
                .filter(name -> !name.equals("success") && !name.equals("status_code"))
                .map(RecordScanPropertiesTest::quoted);
    }

    /** Field names; those of TMDB's error object ({@code success}, {@code status_code}) only where any record goes. */
    private static Arbitrary<String> names(boolean valid) {
        Arbitrary<String> usual = Arbitraries.of("title", "images", "vote_average");
        Arbitrary<String> any = Arbitraries.strings().ofMaxLength(8)
                .filter(name -> !name.equals("success") && !name.equals("status_code"));
        return (valid ? Arbitraries.oneOf(usual, any) : Arbitraries.oneOf(usual, any, Arbitraries.of("success",
                "status_code"))).map(RecordScanPropertiesTest::quoted);
    }

    /** Strings with every kind of character: escaped as JSON writers do, or now and then raw (control bytes too). */
    private static Arbitrary<String> strings(boolean valid) {
        Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(12);
        Arbitrary<String> samples = Arbitraries.of("\"Người Mẹ\"", "\"千と千尋\"", "\"\\u00e9\\n\\t\"", "\"𝄞\"",
                "\"\\ud834\\udd1e\"");
        return valid ? Arbitraries.oneOf(any.map(RecordScanPropertiesTest::quoted), samples)
                : Arbitraries.oneOf(any.map(RecordScanPropertiesTest::quoted), any.map(raw -> "\"" + raw + "\""), samples);
    }

    private static Arbitrary<String> numbers(boolean valid) {
        Arbitrary<String> good = Arbitraries.oneOf(Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().filter(Double::isFinite).map(String::valueOf),
                Arbitraries.of("0", "-0", "1e400", "1E-7", "0.5e+3", "12345678901234567890"));
        return valid ? good : Arbitraries.oneOf(good, Arbitraries.of("00", "1.", ".5", "-", "+1", "0x10", "NaN", "1e",
                "-01"));
    }

    private static String quoted(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }
}
