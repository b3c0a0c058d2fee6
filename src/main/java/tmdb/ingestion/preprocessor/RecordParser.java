package tmdb.ingestion.preprocessor;

import java.io.IOException;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import tmdb.ingestion.RecordHeaders;
import tmdb.ingestion.RecordProperties;
import tmdb.ingestion.config.TypeCatalog;
import tmdb.ingestion.loader.SourceLine;

/**
 * Parses and validates a line with a streaming parser: it must be one JSON object holding an integer id in its
 * type's id field. The value is not rebuilt: the parse only checks it and finds the id. A line that fails gets a
 * {@link Rejection} and a human explanation, never an exception.
 */
public final class RecordParser implements Processor {

    /** What validation learned about a good record. */
    public record Parsed(long id, boolean hasReservedFields) {
    }

    static final Set<String> RESERVED_FIELDS =
            Set.of(RecordHeaders.DATA_TYPE, RecordHeaders.DATA_LABEL, RecordHeaders.TIMESTAMP);

    private final JsonFactory json = JsonFactory.builder().build();
    private final TypeCatalog types;
    private final int maxLineBytes;

    public RecordParser(TypeCatalog types, int maxLineBytes) {
        this.types = types;
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public void process(Exchange exchange) {
        SourceLine line = exchange.getProperty(RecordProperties.SOURCE_LINE, SourceLine.class);
        String type = exchange.getProperty(RecordProperties.TYPE, String.class);
        if (line.oversized()) {
            reject(exchange, Rejection.LINE_TOO_LONG, "the line is " + line.length() + " bytes, more than the "
                    + "maximum of " + maxLineBytes + " (ingestion.max-line-bytes)");
            return;
        }
        String idField = types.require(type).idField();
        try {
            validate(exchange, exchange.getIn().getBody(byte[].class), idField);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr();
            reject(exchange, Rejection.MALFORMED_JSON, e.getOriginalMessage() + where);
        } catch (IOException e) {
            reject(exchange, Rejection.MALFORMED_JSON, e.getMessage());
        }
    }

    private void validate(Exchange exchange, byte[] value, String idField) throws IOException {
        try (JsonParser parser = json.createParser(value)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                parser.skipChildren();
                requireEnd(parser);
                reject(exchange, Rejection.NOT_AN_OBJECT, "the line is a JSON " + describe(first)
                        + ", not an object");
                return;
            }
            Long id = null;
            String idProblem = null;
            boolean reserved = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                if (name.equals(idField)) {
                    if (token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                        id = parser.getLongValue();
                        idProblem = null;
                    } else {
                        idProblem = "the id field " + idField + " holds " + describe(token) + " "
                                + abbreviate(parser.getText()) + ", not an integer";
                    }
                } else if (RESERVED_FIELDS.contains(name)) {
                    reserved = true;
                }
                parser.skipChildren();
            }
            requireEnd(parser);
            if (idProblem != null) {
                reject(exchange, Rejection.ID_NOT_INTEGER, idProblem);
            } else if (id == null) {
                reject(exchange, Rejection.ID_MISSING, "the object has no " + idField + " field");
            } else {
                exchange.setProperty(RecordProperties.TMDB_ID, id);
                exchange.setProperty(RecordProperties.PARSED, new Parsed(id, reserved));
            }
        }
    }

    private static void requireEnd(JsonParser parser) throws IOException {
        JsonToken after = parser.nextToken();
        if (after != null) {
            throw new JsonProcessingException("unexpected " + describe(after) + " after the end of the JSON value",
                    parser.currentLocation()) {
            };
        }
    }

    private static void reject(Exchange exchange, Rejection rejection, String detail) {
        exchange.setProperty(RecordProperties.REJECTION, rejection);
        exchange.setProperty(RecordProperties.REJECTION_DETAIL, detail);
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
        return text.length() <= 40 ? "'" + text + "'" : "'" + text.substring(0, 40) + "...'";
    }
}
