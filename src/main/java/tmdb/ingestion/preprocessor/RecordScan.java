package tmdb.ingestion.preprocessor;

import java.nio.charset.StandardCharsets;

import tmdb.ingestion.config.RecordType;
import tmdb.ingestion.record.Record;

/**
 * The fast path of validation: one pass over a line's bytes that accepts a well-formed record the way collectors
 * write them — a JSON object whose id is an integer or a string of digits, whose detail is an object that is not
 * TMDB's error object — and finds what the enricher needs. It is strict (RFC 8259 JSON, UTF-8 without overlong
 * forms or surrogates, plain field names) and gives up, saying nothing, on anything else: an escaped field name, a
 * rejected record, deep nesting, huge tokens. Jackson then decides, and explains the rejection. So a line this scan
 * accepts is one Jackson accepts too, with the same id; lines it gives up on cost a second parse, and only bad or
 * unusual lines do. It exists because validation was the largest cost of a record: a full tokenizer builds field
 * names and symbol tables for every object of a record, this only checks bytes.
 */
final class RecordScan {

    /** Deeper nesting is left to Jackson, which enforces its own limit. */
    private static final int MAX_DEPTH = 64;
    /** Longer strings, names and numbers are left to Jackson, which enforces its own limits. */
    private static final int MAX_STRING_BYTES = 1 << 22;
    private static final int MAX_NAME_BYTES = 1000;
    private static final int MAX_NUMBER_CHARS = 100;
    private static final byte[] SUCCESS = "success".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STATUS_CODE = "status_code".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] RESERVED = RecordParser.RESERVED_FIELDS.stream()
            .map(name -> name.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);

    /** Thrown to give up; carries no stack trace, it is the common way out of an unusual line. */
    private static final class Unsure extends Exception {
        private static final Unsure INSTANCE = new Unsure();

        private Unsure() {
            super(null, null, false, false);
        }
    }

    private final byte[] bytes;
    private int at;
    private int nameStart;
    private int nameEnd;

    private RecordScan(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Accepts the record when the line is a valid object of the given type with a good id and detail, and tells
     * it what validation learned; false when Jackson must decide.
     */
    static boolean accept(Record record, byte[] line, byte[] idField, byte[] detailField) {
        try {
            return new RecordScan(line).object(record, idField, detailField);
        } catch (Unsure | ArrayIndexOutOfBoundsException unsure) {
            return false;
        }
    }

    /** The field names of a type as bytes, for {@link #accept}. */
    static byte[][] fieldNames(RecordType type) {
        return new byte[][] {type.idField().getBytes(StandardCharsets.UTF_8),
            type.detailField().getBytes(StandardCharsets.UTF_8)};
    }

    private boolean object(Record record, byte[] idField, byte[] detailField) throws Unsure {
        whitespace();
        expect('{');
        long id = 0;
        int idStart = -1;
        int idEnd = -1;
        boolean idSeen = false;
        boolean detailSeen = false;
        boolean reserved = false;
        whitespace();
        if (bytes[at] != '}') {
            while (true) {
                name();
                whitespace();
                expect(':');
                whitespace();
                if (nameIs(idField)) {
                    if (idSeen) {
                        throw Unsure.INSTANCE;
                    }
                    idSeen = true;
                    if (bytes[at] == '"') {
                        idStart = at;
                        id = digitString();
                        idEnd = at;
                    } else {
                        id = integer();
                    }
                } else if (nameIs(detailField)) {
                    if (detailSeen || bytes[at] == 'n') {
                        throw Unsure.INSTANCE;
                    }
                    detailSeen = true;
                    if (bytes[at] == '{') {
                        detail();
                    } else {
                        value(1);
                    }
                } else {
                    reserved |= isReserved();
                    value(1);
                }
                whitespace();
                if (bytes[at] == '}') {
                    break;
                }
                expect(',');
                whitespace();
            }
        }
        at++;
        whitespace();
        if (at != bytes.length || !idSeen) {
            throw Unsure.INSTANCE;
        }
        record.validated(id, reserved, idStart, idEnd);
        return true;
    }

    /** A detail object: unsure when it looks like TMDB's error object ({@code success: false}, a status code). */
    private void detail() throws Unsure {
        at++;
        whitespace();
        if (bytes[at] == '}') {
            at++;
            return;
        }
        while (true) {
            name();
            whitespace();
            expect(':');
            whitespace();
            if (nameIs(STATUS_CODE) || nameIs(SUCCESS) && bytes[at] == 'f') {
                throw Unsure.INSTANCE;
            }
            value(2);
            whitespace();
            if (bytes[at] == '}') {
                at++;
                return;
            }
            expect(',');
            whitespace();
        }
    }

    private void value(int depth) throws Unsure {
        switch (bytes[at]) {
            case '{' -> container(depth, '}');
            case '[' -> container(depth, ']');
            case '"' -> string(MAX_STRING_BYTES);
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        }
    }

    private void container(int depth, char close) throws Unsure {
        if (depth > MAX_DEPTH) {
            throw Unsure.INSTANCE;
        }
        at++;
        whitespace();
        if (bytes[at] == close) {
            at++;
            return;
        }
        while (true) {
            if (close == '}') {
                expectQuote();
                string(MAX_NAME_BYTES);
                whitespace();
                expect(':');
                whitespace();
            }
            value(depth + 1);
            whitespace();
            if (bytes[at] == close) {
                at++;
                return;
            }
            expect(',');
            whitespace();
        }
    }

    /**
     * A field name of the record or of its detail, which the scan compares: without escapes (an escaped name could
     * spell the id field); remembers where its characters are.
     */
    private void name() throws Unsure {
        expectQuote();
        nameStart = at + 1;
        string(MAX_NAME_BYTES);
        nameEnd = at - 1;
        for (int i = nameStart; i < nameEnd; i++) {
            if (bytes[i] == '\\') {
                throw Unsure.INSTANCE;
            }
        }
    }

    private boolean nameIs(byte[] expected) {
        int length = nameEnd - nameStart;
        if (length != expected.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (bytes[nameStart + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean isReserved() {
        for (byte[] name : RESERVED) {
            if (nameIs(name)) {
                return true;
            }
        }
        return false;
    }

    /** A string: no raw control character, valid escapes, well-formed UTF-8 (nothing overlong, no surrogate). */
    private void string(int maxBytes) throws Unsure {
        int start = ++at;
        while (true) {
            int b = bytes[at] & 0xFF;
            if (b == '"') {
                at++;
                if (at - start > maxBytes) {
                    throw Unsure.INSTANCE;
                }
                return;
            }
            if (b == '\\') {
                escape();
            } else if (b < 0x20) {
                throw Unsure.INSTANCE;
            } else if (b < 0x80) {
                at++;
            } else {
                utf8(b);
            }
        }
    }

    private void escape() throws Unsure {
        byte next = bytes[at + 1];
        switch (next) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> at += 2;
            case 'u' -> {
                for (int i = 2; i < 6; i++) {
                    if (Character.digit(bytes[at + i], 16) < 0) {
                        throw Unsure.INSTANCE;
                    }
                }
                at += 6;
            }
            default -> throw Unsure.INSTANCE;
        }
    }

    private void utf8(int first) throws Unsure {
        int second = bytes[at + 1] & 0xFF;
        if (first >= 0xC2 && first <= 0xDF) {
            continuation(second);
            at += 2;
        } else if (first >= 0xE0 && first <= 0xEF) {
            int low = first == 0xE0 ? 0xA0 : 0x80;
            int high = first == 0xED ? 0x9F : 0xBF;
            if (second < low || second > high) {
                throw Unsure.INSTANCE;
            }
            continuation(bytes[at + 2] & 0xFF);
            at += 3;
        } else if (first >= 0xF0 && first <= 0xF4) {
            int low = first == 0xF0 ? 0x90 : 0x80;
            int high = first == 0xF4 ? 0x8F : 0xBF;
            if (second < low || second > high) {
                throw Unsure.INSTANCE;
            }
            continuation(bytes[at + 2] & 0xFF);
            continuation(bytes[at + 3] & 0xFF);
            at += 4;
        } else {
            throw Unsure.INSTANCE;
        }
    }

    private static void continuation(int b) throws Unsure {
        if (b < 0x80 || b > 0xBF) {
            throw Unsure.INSTANCE;
        }
    }

    /** A number: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
    private void number() throws Unsure {
        int start = at;
        if (bytes[at] == '-') {
            at++;
        }
        digits(true);
        if (at < bytes.length && bytes[at] == '.') {
            at++;
            digits(false);
        }
        if (at < bytes.length && (bytes[at] == 'e' || bytes[at] == 'E')) {
            at++;
            if (bytes[at] == '+' || bytes[at] == '-') {
                at++;
            }
            digits(false);
        }
        if (at - start > MAX_NUMBER_CHARS) {
            throw Unsure.INSTANCE;
        }
    }

    private void digits(boolean integerPart) throws Unsure {
        int start = at;
        while (at < bytes.length && bytes[at] >= '0' && bytes[at] <= '9') {
            at++;
        }
        if (at == start || integerPart && bytes[start] == '0' && at - start > 1) {
            throw Unsure.INSTANCE;
        }
    }

    /** An id given as a number: an integer that fits a long, nothing else. */
    private long integer() throws Unsure {
        int start = at;
        boolean negative = bytes[at] == '-';
        if (negative) {
            at++;
        }
        digits(true);
        int length = at - start - (negative ? 1 : 0);
        if (length > 18 || at < bytes.length && (bytes[at] == '.' || bytes[at] == 'e' || bytes[at] == 'E')) {
            throw Unsure.INSTANCE;
        }
        long value = 0;
        for (int i = at - length; i < at; i++) {
            value = value * 10 + (bytes[i] - '0');
        }
        return negative ? -value : value;
    }

    /** An id given as a string of 1 to 18 digits. */
    private long digitString() throws Unsure {
        int start = ++at;
        long value = 0;
        while (bytes[at] >= '0' && bytes[at] <= '9') {
            value = value * 10 + (bytes[at] - '0');
            at++;
        }
        if (bytes[at] != '"' || at == start || at - start > 18) {
            throw Unsure.INSTANCE;
        }
        at++;
        return value;
    }

    private void literal(String word) throws Unsure {
        for (int i = 0; i < word.length(); i++) {
            if (bytes[at + i] != word.charAt(i)) {
                throw Unsure.INSTANCE;
            }
        }
        at += word.length();
    }

    private void whitespace() {
        while (at < bytes.length) {
            byte b = bytes[at];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return;
            }
            at++;
        }
    }

    private void expectQuote() throws Unsure {
        if (bytes[at] != '"') {
            throw Unsure.INSTANCE;
        }
    }

    private void expect(char c) throws Unsure {
        if (bytes[at] != c) {
            throw Unsure.INSTANCE;
        }
        at++;
    }
}
