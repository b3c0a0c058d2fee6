package tmdb.ingestion.preprocessor;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import tmdb.ingestion.config.RecordType;
import tmdb.ingestion.config.TypeCatalog;
import tmdb.ingestion.file.SourceLine;
import tmdb.ingestion.record.Record;
import tmdb.ingestion.record.RecordHeaders;
import tmdb.ingestion.record.RecordProcessor;
import tmdb.ingestion.record.Rejection;

/**
 * Parses and validates a line with a streaming parser: it must be one JSON object holding an integer id in its
 * type's id field, and a detail that is neither {@code null} nor TMDB's error object. The value is not rebuilt:
 * the parse only checks it, finds the id, and notes what the enricher must change. An id given as a string of
 * digits ({@code "603"}) is accepted and normalised to the number. A line that fails gets a {@link Rejection}
 * and a human explanation, never an exception. Well-formed records take a fast path ({@link RecordScan}); Jackson's
 * parser decides every line that path is not sure of, and words every rejection.
 */
public final class RecordParser implements RecordProcessor {

    static final Set<String> RESERVED_FIELDS =
            Set.of(RecordHeaders.DATA_TYPE, RecordHeaders.DATA_LABEL, RecordHeaders.TIMESTAMP);
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");

    private final JsonFactory json = JsonFactory.builder().build();
    private final TypeCatalog types;
    private final Map<String, byte[][]> fieldNames = new HashMap<>();
    private final int maxLineBytes;

    public RecordParser(TypeCatalog types, int maxLineBytes) {
        this.types = types;
        this.maxLineBytes = maxLineBytes;
        types.all().forEach((name, type) -> fieldNames.put(name, RecordScan.fieldNames(type)));
    }

    @Override
    public void process(Record record) {
        SourceLine line = record.line();
        if (line.oversized()) {
            record.reject(Rejection.LINE_TOO_LONG, "the line is " + line.length() + " bytes, more than the "
                    + "maximum of " + maxLineBytes + " (ingestion.max-line-bytes)");
            return;
        }
        RecordType type = types.require(record.type());
        byte[][] names = fieldNames.get(type.name());
        if (!RecordScan.accept(record, line.bytes(), names[0], names[1])) {
            parse(record, line.bytes(), type);
        }
    }

    /** The whole decision by Jackson's parser: every line the fast path is not sure of. */
    void parse(Record record, byte[] line, RecordType type) {
        try {
            validate(record, line, type);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr();
            record.reject(Rejection.MALFORMED_JSON, e.getOriginalMessage() + where);
        } catch (IOException e) {
            record.reject(Rejection.MALFORMED_JSON, e.getMessage());
        }
    }

    private void validate(Record record, byte[] value, RecordType type) throws IOException {
        try (JsonParser parser = json.createParser(value)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                parser.skipChildren();
                requireEnd(parser);
                record.reject(Rejection.NOT_AN_OBJECT, "the line is a JSON " + describe(first) + ", not an object");
                return;
            }
            Long id = null;
            int idTextStart = -1;
            int idTextEnd = -1;
            String idProblem = null;
            Rejection detailProblem = null;
            String detailText = null;
            boolean reserved = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                if (name.equals(type.idField())) {
                    idProblem = null;
                    idTextStart = -1;
                    if (token == JsonToken.VALUE_NUMBER_INT
                            && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                        id = parser.getLongValue();
                    } else if (token == JsonToken.VALUE_STRING && DIGITS.matcher(parser.getText()).matches()) {
                        id = Long.parseLong(parser.getText());
                        idTextStart = (int) parser.currentTokenLocation().getByteOffset();
                        idTextEnd = (int) parser.currentLocation().getByteOffset();
                    } else {
                        id = null;
                        idProblem = "the id field " + type.idField() + " holds " + describe(token) + " "
                                + abbreviate(parser.getText()) + ", not an integer";
                    }
                } else if (name.equals(type.detailField())) {
                    if (token == JsonToken.VALUE_NULL) {
                        detailProblem = Rejection.DETAIL_NULL;
                        detailText = "the detail field " + type.detailField() + " is null: TMDB had no such record";
                    } else if (token == JsonToken.START_OBJECT) {
                        detailText = tmdbError(parser);
                        detailProblem = detailText == null ? null : Rejection.DETAIL_ERROR;
                        continue;
                    }
                } else if (RESERVED_FIELDS.contains(name)) {
                    reserved = true;
                }
                parser.skipChildren();
            }
            requireEnd(parser);
            if (id != null) {
                record.idFound(id);
            }
            if (idProblem != null) {
                record.reject(Rejection.ID_NOT_INTEGER, idProblem);
            } else if (id == null) {
                record.reject(Rejection.ID_MISSING, "the object has no " + type.idField() + " field");
            } else if (detailProblem != null) {
                record.reject(detailProblem, detailText);
            } else {
                record.validated(id, reserved, idTextStart, idTextEnd);
            }
        }
    }

    /**
     * Reads the detail object to its end; returns a description when it is TMDB's error object
     * ({@code success: false} or a {@code status_code}), null otherwise.
     */
    private static String tmdbError(JsonParser parser) throws IOException {
        boolean failed = false;
        String statusCode = null;
        String statusMessage = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken token = parser.nextToken();
            switch (name) {
                case "success" -> failed |= token == JsonToken.VALUE_FALSE;
                case "status_code" -> statusCode = token.isScalarValue() ? parser.getText() : "?";
                case "status_message" -> statusMessage = token.isScalarValue() ? parser.getText() : null;
                default -> { }
            }
            parser.skipChildren();
        }
        if (!failed && statusCode == null) {
            return null;
        }
        return "the detail is TMDB's error object" + (statusCode == null ? "" : ", status_code " + statusCode)
                + (statusMessage == null ? "" : ": " + abbreviate(statusMessage));
    }

    private static void requireEnd(JsonParser parser) throws IOException {
        JsonToken after = parser.nextToken();
        if (after != null) {
            throw new JsonProcessingException("unexpected " + describe(after) + " after the end of the JSON value",
                    parser.currentLocation()) {
            };
        }
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_OBJECT, END_OBJECT -> "object";
            case START_ARRAY, END_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> token.name().toLowerCase();
        };
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 60 ? "'" + text + "'" : "'" + text.substring(0, 60) + "...'";
    }
}
