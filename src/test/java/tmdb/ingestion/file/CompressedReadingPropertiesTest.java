package tmdb.ingestion.file;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import com.github.luben.zstd.Zstd;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import tmdb.ingestion.content.Content;
import tmdb.ingestion.content.LocalFileContent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compressed files against the lines written into them: any lines (any characters but line endings), cut into any
 * number of gzip members or zstd frames at any byte (inside a line too), with or without a final line ending, read
 * whole or resumed after any line the way a checkpoint resumes them (from its decompressed offset and line number,
 * through a grant as the lifecycle gives it), come out exactly as written, in order, with their line numbers.
 */
class CompressedReadingPropertiesTest {

    @Provide
    Arbitrary<List<String>> lines() {
        // a first line starting with U+FEFF would be a byte-order mark; lone surrogates are not UTF-8
        return Arbitraries.strings().all().excludeChars('\n', '\r', '\uFEFF').ofMinLength(1).ofMaxLength(60)
                .filter(text -> !text.isBlank())
                .filter(text -> text.equals(new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)))
                .list().ofMaxSize(40);
    }

    private static byte[] content(List<String> lines, boolean finalEnding) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            text.append(lines.get(i));
            if (i < lines.size() - 1 || finalEnding) {
                text.append('\n');
            }
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The content compressed in parts cut at these fractions of its length, one member or frame each. */
    private static byte[] compressed(ContentFormat format, byte[] content, List<Integer> cuts) throws IOException {
        List<Integer> at = new ArrayList<>();
        for (int cut : cuts) {
            at.add((int) ((long) content.length * cut / 1000));
        }
        at.add(content.length);
        at.sort(Integer::compare);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        int from = 0;
        for (int to : at) {
            byte[] part = Arrays.copyOfRange(content, from, to);
            file.writeBytes(format == ContentFormat.GZIP ? ContentSourceTest.gzip(part) : Zstd.compress(part));
            from = to;
        }
        return file.toByteArray();
    }

    private static List<SourceLine> read(Path file, ContentFormat format, long offset, long linesBefore)
            throws IOException {
        try (Content channel = LocalFileContent.open(file)) {
            ReadGrant grant = new ReadGrant(SourceFile.of(1, "movie/new/a.jsonl.gz", "movie", "new", 0), channel,
                    offset, linesBefore, channel.size(), null, ContentHead.of(channel).bytes(), new AtomicBoolean(),
                    format);
            JsonlLineReader reader = JsonlLineReader.of(grant, 1 << 16, InFlightBudget.unbounded(), () -> false);
            List<SourceLine> read = new ArrayList<>();
            reader.chunks(7, 1 << 20).forEachRemaining(chunk -> read.addAll(chunk.lines()));
            reader.release();
            assertThat(reader.stoppedEarly()).isFalse();
            assertThat(reader.fileBytesRead()).isEqualTo(channel.size());
            return read;
        }
    }

    @Property(tries = 150)
    void linesComeOutAsWrittenWhateverTheMembersAndWhereverReadingResumes(
            @ForAll("lines") List<String> lines, @ForAll boolean finalEnding, @ForAll boolean zstd,
            @ForAll("cuts") List<Integer> cuts, @ForAll @IntRange(min = 0, max = 40) int resumeAfter)
            throws IOException {
        ContentFormat format = zstd ? ContentFormat.ZSTD : ContentFormat.GZIP;
        byte[] content = content(lines, finalEnding);
        Path file = Files.createTempFile("compressed", ".jsonl");
        try {
            Files.write(file, compressed(format, content, cuts));

            List<SourceLine> whole = read(file, format, 0, 0);

            assertThat(whole).extracting(line -> new String(line.bytes(), StandardCharsets.UTF_8))
                    .containsExactlyElementsOf(lines);
            for (int i = 0; i < whole.size(); i++) {
                assertThat(whole.get(i).number()).isEqualTo(i + 1);
            }
            if (whole.isEmpty()) {
                return;
            }
            SourceLine resumePoint = whole.get(Math.min(resumeAfter, whole.size() - 1));
            List<SourceLine> rest = read(file, format, resumePoint.nextOffset(), resumePoint.number());
            assertThat(rest).extracting(line -> new String(line.bytes(), StandardCharsets.UTF_8))
                    .containsExactlyElementsOf(lines.subList((int) resumePoint.number(), lines.size()));
            assertThat(rest).extracting(SourceLine::number).containsExactlyElementsOf(whole.stream()
                    .map(SourceLine::number).filter(number -> number > resumePoint.number()).toList());
        } finally {
            Files.delete(file);
        }
    }

    @Property(tries = 60)
    void aCutFileGivesEveryCompleteLineBeforeTheCutThenFailsNamingTheCompressedByte(
            @ForAll("lines") List<String> lines, @ForAll boolean zstd,
            @ForAll @IntRange(min = 1, max = 999) int keptPerMille) throws IOException {
        ContentFormat format = zstd ? ContentFormat.ZSTD : ContentFormat.GZIP;
        byte[] content = content(lines, true);
        byte[] whole = compressed(format, content, List.of(500));
        byte[] firstPart = compressed(format, Arrays.copyOf(content, content.length / 2), List.of());
        byte[] cut = Arrays.copyOf(whole, Math.max(1, (int) ((long) whole.length * keptPerMille / 1000)));
        Path file = Files.createTempFile("compressed", ".jsonl");
        try {
            Files.write(file, cut);
            List<SourceLine> read = new ArrayList<>();
            Throwable failure = null;
            try (Content channel = LocalFileContent.open(file)) {
                ReadGrant grant = new ReadGrant(SourceFile.of(1, "movie/new/a.jsonl.gz", "movie", "new", 0),
                        channel, 0, 0, channel.size(), null, null, new AtomicBoolean(), format);
                JsonlLineReader reader = JsonlLineReader.of(grant, 1 << 16, InFlightBudget.unbounded(), () -> false);
                try {
                    reader.chunks(3, 1 << 20).forEachRemaining(chunk -> read.addAll(chunk.lines()));
                } catch (UncheckedIOException e) {
                    failure = e.getCause();
                } finally {
                    reader.release();
                }
            } catch (DamagedContentException e) {
                failure = e;
            }

            if (cut.length == firstPart.length) {
                // cut right after the first member or frame: a whole file of one part, which no reader tells apart
                assertThat(failure).isNull();
                return;
            }
            assertThat(failure).isInstanceOf(DamagedContentException.class)
                    .hasMessageContaining("compressed byte ");
            long at = Long.parseLong(failure.getMessage().replaceAll(".*compressed byte (\\d+).*", "$1"));
            assertThat(at).isBetween(0L, (long) cut.length);
            assertThat(read.size()).isLessThanOrEqualTo(lines.size());
            assertThat(read).extracting(line -> new String(line.bytes(), StandardCharsets.UTF_8))
                    .containsExactlyElementsOf(lines.subList(0, read.size()));
        } finally {
            Files.delete(file);
        }
    }

    @Example
    void aFileRewrittenWhileItIsDecompressedStopsItsReaderWithoutAFailure() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 60_000; i++) {
            lines.add("{\"movie_id\": " + i + ", \"n\": \"" + Long.toHexString(i * 0x9E3779B97F4A7C15L) + "\"}");
        }
        Path file = Files.createTempFile("compressed", ".jsonl.gz");
        try {
            Files.write(file, compressed(ContentFormat.GZIP, content(lines, true), List.of()));
            try (Content channel = LocalFileContent.open(file)) {
                ReadGrant grant = new ReadGrant(SourceFile.of(1, "movie/new/a.jsonl.gz", "movie", "new", 0),
                        channel, 0, 0, channel.size(), null, ContentHead.of(channel).bytes(), new AtomicBoolean(),
                        ContentFormat.GZIP);
                JsonlLineReader reader = JsonlLineReader.of(grant, 1 << 16, InFlightBudget.unbounded(), () -> false);
                assertThat(reader.chunks(1000, 1 << 20).next().lines()).hasSize(1000);

                Files.write(file, ContentSourceTest.gzip("{\"movie_id\": 1}\n".getBytes(StandardCharsets.UTF_8)),
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                // one chunk as long as the rest: it takes what was decompressed before the change, then meets the
                // changed file (cut short) in the same chunk
                List<SourceLine> after = new ArrayList<>();
                reader.chunks(Integer.MAX_VALUE, Long.MAX_VALUE).forEachRemaining(chunk -> after.addAll(chunk.lines()));
                reader.release();

                assertThat(after).as("nothing of the new content, nor past the change").isEmpty();
                assertThat(reader.stoppedEarly()).isTrue();
                assertThat(reader.linesRead()).isEqualTo(1000);
            }
        } finally {
            Files.delete(file);
        }
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 1000).list().ofMaxSize(5);
    }
}
