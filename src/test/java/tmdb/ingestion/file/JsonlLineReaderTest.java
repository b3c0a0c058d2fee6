package tmdb.ingestion.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tmdb.ingestion.content.Content;
import tmdb.ingestion.content.LocalFileContent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class JsonlLineReaderTest {

    @TempDir
    Path dir;

    private final List<Content> open = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (Content channel : open) {
            channel.close();
        }
    }

    private static List<SourceLine> readAll(JsonlLineReader reader) {
        List<SourceLine> lines = new ArrayList<>();
        reader.forEachRemaining(lines::add);
        return lines;
    }

    private Content channel(Path file) {
        try {
            Content channel = LocalFileContent.open(file, StandardOpenOption.READ);
            open.add(channel);
            return channel;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A reader of the whole content, whose last line counts even without a line ending (the file is finished). */
    private JsonlLineReader reader(byte[] content, int max) throws IOException {
        Path file = Files.write(dir.resolve("f" + open.size() + ".jsonl"), content);
        return JsonlLineReader.from(channel(file), 0, 0, max, () -> false, JsonlLineReader.ANY_SIZE);
    }

    private static String text(SourceLine line) {
        return new String(line.bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void stripsByteOrderMarkAndCarriageReturnsAndReadsALastLineWithoutNewline() throws IOException {
        byte[] content = ("\uFEFF{\"a\":1}\r\n{\"b\":\"Người Mẹ\"}\r\n{\"c\":3}").getBytes(StandardCharsets.UTF_8);

        List<SourceLine> lines = readAll(reader(content, 1024));

        assertThat(lines).extracting(JsonlLineReaderTest::text)
                .containsExactly("{\"a\":1}", "{\"b\":\"Người Mẹ\"}", "{\"c\":3}");
        assertThat(lines).extracting(SourceLine::number).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aLineOfExactlyTheLimitEndingInCrlfIsWholeNotOversized() throws IOException {
        byte[] content = "{\"a\":1}\r\n{\"b\":22}\r\n".getBytes(StandardCharsets.UTF_8);

        List<SourceLine> lines = readAll(reader(content, 7));

        assertThat(lines.get(0).oversized()).as("7 bytes and a CRLF, limit 7").isFalse();
        assertThat(lines.get(0).length()).isEqualTo(7);
        assertThat(text(lines.get(0))).isEqualTo("{\"a\":1}");
        assertThat(lines.get(1).oversized()).isTrue();
        assertThat(lines.get(1).length()).as("the CR is not the line's").isEqualTo(8);
    }

    @Test
    void skipsAndCountsBlankLinesButKeepsTheFileLineNumbers() throws IOException {
        byte[] content = "{\"a\":1}\n\n   \n\t\r\n{\"b\":2}\n".getBytes(StandardCharsets.UTF_8);
        JsonlLineReader reader = reader(content, 1024);

        List<SourceLine> lines = readAll(reader);

        assertThat(lines).extracting(SourceLine::number).containsExactly(1L, 5L);
        assertThat(reader.blankLines()).isEqualTo(3);
        assertThat(reader.linesRead()).isEqualTo(5);
    }

    @Test
    void keepsOnlyTheFirstBytesOfAnOversizedLineAndResumesAtTheNextLine() throws IOException {
        String huge = "x".repeat(300_000);
        byte[] content = ("{\"a\":1}\n" + huge + "\n{\"b\":2}\n").getBytes(StandardCharsets.UTF_8);

        List<SourceLine> lines = readAll(reader(content, 1000));

        assertThat(lines).hasSize(3);
        assertThat(lines.get(1).oversized()).isTrue();
        assertThat(lines.get(1).bytes()).hasSize(1000);
        assertThat(lines.get(1).length()).isEqualTo(300_000);
        assertThat(text(lines.get(2))).isEqualTo("{\"b\":2}");
        assertThat(lines.get(2).number()).isEqualTo(3);
    }

    @Test
    void readsLinesThatSpanManyReadBuffersByteForByte() throws IOException {
        String longLine = "{\"v\":\"" + "Сталкер千と千尋".repeat(20_000) + "\"}";
        byte[] content = (longLine + "\n" + longLine).getBytes(StandardCharsets.UTF_8);

        List<SourceLine> lines = readAll(reader(content, 16 << 20));

        assertThat(lines).extracting(JsonlLineReaderTest::text).containsExactly(longLine, longLine);
        assertThat(lines.get(0).oversized()).isFalse();
    }

    @Test
    void keepsInvalidUtf8BytesAsTheyAre() throws IOException {
        byte[] content = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'};

        List<SourceLine> lines = readAll(reader(content, 1024));

        assertThat(lines.get(0).bytes()).containsExactly(0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D);
    }

    @Test
    void endsEarlyWhenAStopIsRequested() throws IOException {
        AtomicBoolean stop = new AtomicBoolean();
        Path file = Files.writeString(dir.resolve("s.jsonl"), "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n");
        JsonlLineReader reader = JsonlLineReader.from(channel(file), 0, 0, 1024, stop::get, JsonlLineReader.ANY_SIZE);

        assertThat(reader.next().number()).isEqualTo(1);
        stop.set(true);

        assertThat(reader.hasNext()).isFalse();
        assertThat(reader.stoppedEarly()).isTrue();
    }

    @Test
    void anEmptyFileHasNoLines() throws IOException {
        JsonlLineReader reader = reader(new byte[0], 1024);

        assertThat(reader.hasNext()).isFalse();
        assertThat(reader.linesRead()).isZero();
        assertThat(reader.stoppedEarly()).isFalse();
    }

    @Test
    void givesEachLineItsOffsetsAndResumesFromOneOfThemWithTheRightLineNumbers() throws IOException {
        Path file = dir.resolve("a.jsonl");
        Files.writeString(file, "\uFEFF{\"a\":1}\r\n\n{\"b\":2}\n{\"c\":3}", StandardCharsets.UTF_8);
        List<SourceLine> lines = readAll(JsonlLineReader.from(channel(file), 0, 0, 1024, () -> false, JsonlLineReader.ANY_SIZE));
        assertThat(lines).extracting(SourceLine::number).containsExactly(1L, 3L, 4L);
        assertThat(lines.get(0).offset()).as("after the byte-order mark").isEqualTo(3);
        assertThat(lines.get(0).nextOffset()).isEqualTo(3 + 9);
        assertThat(lines.get(2).nextOffset()).isEqualTo(Files.size(file));

        SourceLine second = lines.get(1);
        JsonlLineReader resumed = JsonlLineReader.from(channel(file), second.offset(), second.number() - 1, 1024,
                () -> false, JsonlLineReader.ANY_SIZE);
        List<SourceLine> rest = readAll(resumed);
        assertThat(rest).extracting(JsonlLineReaderTest::text).containsExactly("{\"b\":2}", "{\"c\":3}");
        assertThat(rest).extracting(SourceLine::number).containsExactly(3L, 4L);
        assertThat(rest.get(0).offset()).isEqualTo(second.offset());
        assertThat(resumed.bytesRead()).isEqualTo(Files.size(file));
    }

    @Test
    void endsBeforeALineWithoutLineEndingWhileTheFileMayStillGrowAndReadsItWholeOnceItArrived() throws IOException {
        Path file = Files.writeString(dir.resolve("growing.jsonl"), "{\"a\":1}\n{\"b\":");
        Content channel = channel(file);

        JsonlLineReader first = JsonlLineReader.from(channel, 0, 0, 1024, () -> false, -1);
        assertThat(readAll(first)).extracting(JsonlLineReaderTest::text).containsExactly("{\"a\":1}");
        assertThat(first.endedBeforeUnterminatedLine()).isTrue();
        assertThat(first.bytesRead()).as("where the half line starts").isEqualTo(8);
        assertThat(first.linesRead()).isEqualTo(1);

        Files.writeString(file, "2}\n{\"c\":3}\n", StandardOpenOption.APPEND);
        JsonlLineReader second = JsonlLineReader.from(channel, first.bytesRead(), first.linesRead(), 1024,
                () -> false, -1);
        List<SourceLine> rest = readAll(second);
        assertThat(rest).extracting(JsonlLineReaderTest::text).containsExactly("{\"b\":2}", "{\"c\":3}");
        assertThat(rest).extracting(SourceLine::number).containsExactly(2L, 3L);
        assertThat(second.endedBeforeUnterminatedLine()).isFalse();
        assertThat(second.bytesRead()).isEqualTo(Files.size(file));
    }

    @Test
    void readsALastLineWithoutLineEndingOnceTheFileIsFinished() throws IOException {
        Path file = Files.writeString(dir.resolve("last.jsonl"), "{\"a\":1}\n{\"b\":2}");
        Content channel = channel(file);
        JsonlLineReader before = JsonlLineReader.from(channel, 0, 0, 1024, () -> false, Files.size(file) + 1);
        assertThat(readAll(before)).as("the data does not end where the file was found quiet").hasSize(1);

        JsonlLineReader after = JsonlLineReader.from(channel, before.bytesRead(), before.linesRead(), 1024,
                () -> false, Files.size(file));
        assertThat(readAll(after)).extracting(JsonlLineReaderTest::text).containsExactly("{\"b\":2}");
        assertThat(after.bytesRead()).isEqualTo(Files.size(file));
    }

    // --- the in-flight budget --------------------------------------------------------------------------------------

    private static final int KIB = 1024;

    private JsonlLineReader budgeted(Path file, InFlightBudget budget) {
        try {
            return JsonlLineReader.from(channel(file), 0, 0, 1 << 20, budget, () -> false, JsonlLineReader.ANY_SIZE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String lineOf(int bytes, char c) {
        return "{\"v\":\"" + String.valueOf(c).repeat(bytes - 8) + "\"}";
    }

    @Test
    void everyLineHoldsItsBudgetUntilReleasedAndBlankLinesTakeNone() throws IOException {
        Path file = Files.writeString(dir.resolve("b.jsonl"), lineOf(1000, 'a') + "\n\n   \n" + lineOf(2000, 'b') + "\n");
        InFlightBudget budget = new InFlightBudget(1 << 20);
        JsonlLineReader reader = budgeted(file, budget);

        List<SourceLine> lines = readAll(reader);

        assertThat(lines).extracting(SourceLine::permits).containsExactly(1000, 2000);
        assertThat(budget.bytesInFlight()).as("its two lines (its fixed buffers are not counted)").isEqualTo(3000);
        reader.release();
        lines.forEach(line -> budget.release(line.permits()));
        assertThat(budget.bytesInFlight()).isZero();
    }

    @Test
    void aLongLineGrowsTheBufferAndTakesItsBudgetWithIt() throws IOException {
        Path file = Files.writeString(dir.resolve("long.jsonl"), lineOf(300 * KIB, 'x') + "\n" + lineOf(100, 'y') + "\n");
        InFlightBudget budget = new InFlightBudget(1 << 20);
        JsonlLineReader reader = budgeted(file, budget);

        SourceLine first = reader.next();
        assertThat(first.bytes()).hasSize(300 * KIB);
        assertThat(first.permits()).as("the grown buffer's").isGreaterThanOrEqualTo(300 * KIB);
        assertThat(budget.bytesInFlight()).as("the reader holds nothing more").isEqualTo(first.permits());
        assertThat(budget.largeLines().isLocked()).isFalse();

        SourceLine second = reader.next();
        assertThat(budget.bytesInFlight()).as("a small buffer again, and the two lines")
                .isEqualTo(first.permits() + second.permits());
        reader.release();
        budget.release(first.permits());
        budget.release(second.permits());
        assertThat(budget.bytesInFlight()).isZero();
    }

    @Test
    void aChunkEndsWhereTheNextLineWouldWaitForBudgetAndTheLineIsReadInTheNextOne() throws IOException {
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            content.append(lineOf(4 * KIB, (char) ('a' + i))).append('\n');
        }
        Path file = Files.writeString(dir.resolve("chunks.jsonl"), content);
        InFlightBudget budget = new InFlightBudget(9 * KIB);
        Iterator<LineChunk> chunks = budgeted(file, budget).chunks(100, 1 << 20);

        List<SourceLine> first = chunks.next().lines();
        assertThat(first).as("two lines fit the budget").hasSize(2);
        first.forEach(line -> budget.release(line.permits()));
        List<SourceLine> second = chunks.next().lines();
        assertThat(second).hasSize(2);
        assertThat(second.get(0).number()).isEqualTo(3);
    }

    @Test
    void askingForMoreChunksNeverWaitsForTheBudgetTheLastChunkHolds() throws IOException {
        Path file = Files.writeString(dir.resolve("lookahead.jsonl"),
                lineOf(300 * KIB, 'a') + "\n" + lineOf(300 * KIB, 'b') + "\n");
        InFlightBudget budget = new InFlightBudget(128 * KIB);
        Iterator<LineChunk> chunks = budgeted(file, budget).chunks(100, 1 << 20);

        List<SourceLine> first = chunks.next().lines();
        assertThat(first).hasSize(1);
        assertThat(budget.bytesInFlight()).as("the first line holds all of the budget").isEqualTo(128 * KIB);
        boolean more = assertTimeoutPreemptively(Duration.ofSeconds(10), chunks::hasNext,
                "Camel's splitter asks for the next chunk before it sends this one: asking must not wait");
        assertThat(more).isTrue();

        first.forEach(line -> budget.release(line.permits()));
        List<SourceLine> second = chunks.next().lines();
        assertThat(second).singleElement().extracting(SourceLine::number).isEqualTo(2L);
        assertThat(chunks.hasNext()).as("the end of the file is known without reading").isFalse();
    }

    @Test
    void aFileEndingInBlankLinesEndsWithAnEmptyChunk() throws IOException {
        Path file = Files.writeString(dir.resolve("blank-tail.jsonl"), lineOf(10, 'a') + "\n" + "  \n".repeat(30_000));
        Iterator<LineChunk> chunks = budgeted(file, new InFlightBudget(1 << 20)).chunks(1, 1 << 20);

        assertThat(chunks.next().lines()).hasSize(1);
        assertThat(chunks.hasNext()).as("bytes follow: hasNext does not read them").isTrue();
        assertThat(chunks.next().lines()).as("they were blank").isEmpty();
        assertThat(chunks.hasNext()).isFalse();
    }

    @Test
    void aLineLongerThanTheBudgetTakesAllOfIt() throws IOException {
        Path file = Files.writeString(dir.resolve("huge.jsonl"), lineOf(300 * KIB, 'h') + "\n");
        InFlightBudget budget = new InFlightBudget(128 * KIB);

        SourceLine line = budgeted(file, budget).next();

        assertThat(line.bytes()).hasSize(300 * KIB);
        assertThat(line.permits()).isEqualTo(128 * KIB);
        assertThat(budget.bytesInFlight()).isEqualTo(128 * KIB);
    }

    @Test
    void readersOfLinesLongerThanTheirShareOfTheBudgetTakeTurnsInsteadOfWaitingForEachOther() throws Exception {
        InFlightBudget budget = new InFlightBudget(512 * KIB);
        List<Future<Integer>> readers = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            for (int r = 0; r < 3; r++) {
                StringBuilder content = new StringBuilder();
                for (int i = 0; i < 4; i++) {
                    content.append(lineOf(300 * KIB, (char) ('a' + r))).append('\n');
                }
                Path file = Files.writeString(dir.resolve("reader-" + r + ".jsonl"), content);
                JsonlLineReader reader = budgeted(file, budget);
                readers.add(threads.submit(() -> {
                    int read = 0;
                    Iterator<LineChunk> chunks = reader.chunks(100, 1 << 20);
                    while (chunks.hasNext()) {
                        for (SourceLine line : chunks.next().lines()) {
                            budget.release(line.permits());
                            read++;
                        }
                    }
                    reader.release();
                    return read;
                }));
            }
            for (Future<Integer> reader : readers) {
                assertThat(reader.get(30, TimeUnit.SECONDS)).isEqualTo(4);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(budget.bytesInFlight()).isZero();
    }
}
