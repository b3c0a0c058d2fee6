package tmdb.ingestion.file;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import tmdb.ingestion.content.Content;
import tmdb.ingestion.content.LocalFileContent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The line reader against a model of the file, for any lines (any characters but line endings, blank ones among
 * them), any mix of LF and CRLF endings, with or without a byte-order mark and a final line ending, and any line
 * limit: each non-blank line comes out in order with its file line number, its first {@code maxLineBytes} bytes and
 * its full length; blank ones are counted; and reading on from any line's end gives exactly the rest.
 */
class JsonlLineReaderPropertiesTest {

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /** One line of the file: its text and whether it ends with CRLF rather than LF. */
    record Line(String text, boolean crlf) {

        byte[] bytes() {
            return text.getBytes(StandardCharsets.UTF_8);
        }

        boolean blank() {
            return text.chars().allMatch(c -> c == ' ' || c == '\t');
        }
    }

    @Provide
    Arbitrary<List<Line>> lines() {
        Arbitrary<String> content = Arbitraries.strings().all().excludeChars('\n', '\r').ofMinLength(1).ofMaxLength(40)
                .filter(text -> !text.isBlank());
        Arbitrary<String> blank = Arbitraries.strings().withChars(' ', '\t').ofMaxLength(3);
        Arbitrary<String> text = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, content), net.jqwik.api.Tuple.of(1, blank));
        return Combinators.combine(text, Arbitraries.of(true, false)).as(Line::new).list().ofMaxSize(30);
    }

    private static byte[] file(List<Line> lines, boolean bom, boolean finalEnding) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (bom) {
            out.writeBytes(BOM);
        }
        for (int i = 0; i < lines.size(); i++) {
            out.writeBytes(lines.get(i).bytes());
            if (i < lines.size() - 1 || finalEnding) {
                out.writeBytes((lines.get(i).crlf() ? "\r\n" : "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        return out.toByteArray();
    }

    /** Every line a reader of the file from this offset gives, and the reader itself for its counts. */
    private static List<SourceLine> read(Path file, long offset, long linesBefore, int maxLineBytes,
                                         List<JsonlLineReader> readers) throws IOException {
        try (Content channel = LocalFileContent.open(file)) {
            JsonlLineReader reader = JsonlLineReader.from(channel, offset, linesBefore, maxLineBytes, () -> false,
                    JsonlLineReader.ANY_SIZE);
            readers.add(reader);
            List<SourceLine> read = new ArrayList<>();
            reader.forEachRemaining(read::add);
            return read;
        }
    }

    @Property(tries = 300)
    void everyNonBlankLineComesOutOnceWithItsNumberItsKeptBytesAndItsLength(
            @ForAll("lines") List<Line> lines, @ForAll boolean bom, @ForAll boolean finalEnding,
            @ForAll @IntRange(min = 4, max = 64) int maxLineBytes) throws IOException {
        Path file = Files.createTempFile("reader", ".jsonl");
        try {
            Files.write(file, file(lines, bom, finalEnding));
            List<JsonlLineReader> readers = new ArrayList<>();
            if (!finalEnding && !lines.isEmpty() && lines.get(lines.size() - 1).text().isEmpty()) {
                // nothing after the last line ending: that is no line
                lines = lines.subList(0, lines.size() - 1);
            }

            List<SourceLine> read = read(file, 0, 0, maxLineBytes, readers);

            List<Long> expectedNumbers = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).blank()) {
                    expectedNumbers.add(i + 1L);
                }
            }
            assertThat(read).extracting(SourceLine::number).containsExactlyElementsOf(expectedNumbers);
            for (SourceLine line : read) {
                byte[] whole = lines.get((int) line.number() - 1).bytes();
                assertThat(line.length()).as("line %d's length", line.number()).isEqualTo(whole.length);
                assertThat(line.bytes()).as("line %d's kept bytes", line.number())
                        .isEqualTo(Arrays.copyOf(whole, Math.min(whole.length, maxLineBytes)));
                assertThat(line.oversized()).isEqualTo(whole.length > maxLineBytes);
            }
            JsonlLineReader reader = readers.get(0);
            assertThat(reader.linesRead()).isEqualTo(lines.size());
            assertThat(reader.blankLines()).isEqualTo(lines.size() - expectedNumbers.size());
            assertThat(reader.bytesRead()).isEqualTo(Files.size(file));
        } finally {
            Files.delete(file);
        }
    }

    @Property(tries = 200)
    void readingOnFromTheEndOfAnyLineGivesExactlyTheRest(
            @ForAll("lines") List<Line> lines, @ForAll boolean bom, @ForAll boolean finalEnding,
            @ForAll @IntRange(min = 0, max = 30) int cut) throws IOException {
        Path file = Files.createTempFile("reader", ".jsonl");
        try {
            Files.write(file, file(lines, bom, finalEnding));
            List<SourceLine> whole = read(file, 0, 0, 1 << 16, new ArrayList<>());
            if (whole.isEmpty()) {
                return;
            }
            SourceLine resumeAfter = whole.get(Math.min(cut, whole.size() - 1));

            List<SourceLine> rest = read(file, resumeAfter.nextOffset(), resumeAfter.number(), 1 << 16,
                    new ArrayList<>());

            assertThat(rest).extracting(SourceLine::number).containsExactlyElementsOf(whole.stream()
                    .filter(line -> line.number() > resumeAfter.number()).map(SourceLine::number).toList());
            assertThat(rest).extracting(line -> new String(line.bytes(), StandardCharsets.UTF_8))
                    .containsExactlyElementsOf(whole.stream().filter(line -> line.number() > resumeAfter.number())
                            .map(line -> new String(line.bytes(), StandardCharsets.UTF_8)).toList());
        } finally {
            Files.delete(file);
        }
    }
}
