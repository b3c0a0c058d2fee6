package tmdb.ingestion.file;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextFileCheckTest {

    @TempDir
    Path dir;

    private static void check(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            TextFileCheck.requireUtf8Text(channel);
        }
    }

    @Test
    void acceptsUtf8TextEvenWithABomOrInvalidBytesOnSomeLines() throws IOException {
        Path file = Files.write(dir.resolve("a.jsonl"), new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}',
            '\n', (byte) 0xC3, (byte) 0x28, '\n'});

        assertThatCode(() -> check(file)).doesNotThrowAnyException();
    }

    @Test
    void refusesUtf16GzipAndBinaryFilesSayingWhatTheyAre() throws IOException {
        Path utf16 = Files.writeString(dir.resolve("u.jsonl"), "\uFEFF{\"movie_id\": 1}", StandardCharsets.UTF_16LE);
        Path gzip = dir.resolve("g.jsonl");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzip))) {
            out.write("{\"movie_id\": 1}\n".getBytes(StandardCharsets.UTF_8));
        }
        Path binary = Files.write(dir.resolve("b.jsonl"), new byte[] {'{', 0, 1, 2});

        assertThatThrownBy(() -> check(utf16)).hasMessageContaining("UTF-16");
        assertThatThrownBy(() -> check(gzip)).hasMessageContaining("gzip");
        assertThatThrownBy(() -> check(binary)).hasMessageContaining("NUL byte at offset 1");
    }
}
