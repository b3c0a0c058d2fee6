package tmdb.ingestion.file;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import com.github.luben.zstd.Zstd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tmdb.ingestion.content.Content;
import tmdb.ingestion.content.LocalFileContent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContentSourceTest {

    @TempDir
    Path dir;

    static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            bytes.writeBytes(part);
        }
        return bytes.toByteArray();
    }

    private byte[] readAll(ContentFormat format, byte[] file, long from) throws IOException {
        Path path = Files.write(dir.resolve("f"), file);
        try (Content channel = LocalFileContent.open(path); ContentSource source = format.open(channel)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(1000);
            long position = from;
            while (true) {
                buffer.clear();
                int read = source.read(buffer, position);
                if (read < 0) {
                    break;
                }
                assertThat(read).isPositive();
                out.write(buffer.array(), 0, read);
                position += read;
            }
            assertThat(source.fileBytesRead()).isEqualTo(file.length);
            return out.toByteArray();
        }
    }

    private static byte[] text(int lines) {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= lines; i++) {
            text.append("{\"movie_id\": ").append(i).append(", \"title\": \"line ").append(i).append("\"}\n");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsGzipOfSeveralMembersWholeAndFromAnyPosition() throws IOException {
        byte[] first = text(500);
        byte[] second = text(3);
        byte[] file = concat(gzip(first), gzip(new byte[0]), gzip(second));
        byte[] content = concat(first, second);

        assertThat(readAll(ContentFormat.GZIP, file, 0)).isEqualTo(content);
        assertThat(readAll(ContentFormat.GZIP, file, first.length - 7))
                .isEqualTo(Arrays.copyOfRange(content, first.length - 7, content.length));
        assertThat(ContentFormat.of(file)).isEqualTo(ContentFormat.GZIP);
    }

    @Test
    void readsZstdOfSeveralFramesAndALongWindow() throws IOException {
        byte[] first = text(400);
        byte[] second = text(2);
        byte[] file = concat(Zstd.compress(first), Zstd.compress(second));

        assertThat(readAll(ContentFormat.ZSTD, file, 0)).isEqualTo(concat(first, second));
        assertThat(readAll(ContentFormat.ZSTD, file, 10)).isEqualTo(Arrays.copyOfRange(concat(first, second), 10,
                first.length + second.length));
        assertThat(ContentFormat.of(file)).isEqualTo(ContentFormat.ZSTD);
    }

    @Test
    void readsZstdThatStartsWithASkippableFrameAsPzstdWritesIt() throws IOException {
        byte[] lines = text(50);
        byte[] skippable = {0x50, 0x2A, 0x4D, 0x18, 4, 0, 0, 0, 1, 2, 3, 4};
        byte[] file = concat(skippable, Zstd.compress(lines));

        assertThat(ContentFormat.of(file)).isEqualTo(ContentFormat.ZSTD);
        assertThat(readAll(ContentFormat.ZSTD, file, 0)).isEqualTo(lines);
    }

    @Test
    void aCutOrDamagedGzipFailsNamingTheCompressedByteAfterGivingWhatCameBefore() throws IOException {
        byte[] content = text(2000);
        byte[] whole = gzip(content);
        byte[] cut = Arrays.copyOf(whole, whole.length / 2);
        assertThatThrownBy(() -> readAll(ContentFormat.GZIP, cut, 0))
                .isInstanceOf(DamagedContentException.class)
                .hasMessageContaining("compressed byte " + cut.length).hasMessageContaining("cut short");

        byte[] garbage = concat(whole, "junk".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> readAll(ContentFormat.GZIP, garbage, 0))
                .hasMessageContaining("compressed byte " + whole.length)
                .hasMessageContaining("not another gzip member");

        byte[] flipped = whole.clone();
        flipped[whole.length - 6] ^= 0x55;
        assertThatThrownBy(() -> readAll(ContentFormat.GZIP, flipped, 0)).hasMessageContaining("CRC");
    }

    @Test
    void aCutZstdFailsNamingTheCompressedByte() throws IOException {
        byte[] whole = Zstd.compress(text(2000));
        byte[] cut = Arrays.copyOf(whole, whole.length - 10);
        assertThatThrownBy(() -> readAll(ContentFormat.ZSTD, cut, 0))
                .isInstanceOf(DamagedContentException.class)
                .hasMessageContaining("at or after compressed byte " + cut.length).hasMessageContaining("cut short");
    }
}
