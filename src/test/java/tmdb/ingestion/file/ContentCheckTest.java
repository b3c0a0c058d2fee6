package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.github.luben.zstd.Zstd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tmdb.ingestion.content.Content;
import tmdb.ingestion.content.LocalFileContent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContentCheckTest {

    @TempDir
    Path dir;

    private ContentFormat check(String name, byte[] content) throws IOException {
        Path file = Files.write(dir.resolve(name), content);
        try (Content channel = LocalFileContent.open(file)) {
            return ContentCheck.formatOf(channel);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void acceptsUtf8TextWithABomInvalidBytesOrANulOnSomeLines() throws IOException {
        assertThat(check("a.jsonl", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}', '\n', (byte) 0xC3,
            (byte) 0x28, '\n'})).isEqualTo(ContentFormat.PLAIN);
        assertThat(check("n.jsonl", utf8("{\"movie_id\": 1}\n{\"movie_id\": \u0000 2}\n{\"movie_id\": 3}\n")))
                .isEqualTo(ContentFormat.PLAIN);
    }

    @Test
    void tellsTheFormatByTheFirstBytesNotTheName() throws IOException {
        byte[] lines = utf8("{\"movie_id\": 1}\n");
        assertThat(check("g.jsonl", ContentSourceTest.gzip(lines))).isEqualTo(ContentFormat.GZIP);
        assertThat(check("z.jsonl.gz", Zstd.compress(lines))).isEqualTo(ContentFormat.ZSTD);
        assertThat(check("p.jsonl.zst", lines)).isEqualTo(ContentFormat.PLAIN);
    }

    @Test
    void refusesWhatIsClearlyNotJsonLinesSayingWhatItIs() throws IOException {
        assertThatThrownBy(() -> check("u.jsonl", "\uFEFF{\"movie_id\": 1}".getBytes(StandardCharsets.UTF_16LE)))
                .hasMessageContaining("UTF-16");
        assertThatThrownBy(() -> check("z.jsonl", new byte[] {0x50, 0x4B, 0x03, 0x04, 1, 2}))
                .hasMessageContaining("zip archive");
        assertThatThrownBy(() -> check("p.jsonl", utf8("PAR1\u0015\u0004"))).hasMessageContaining("Parquet");
        assertThatThrownBy(() -> check("b.jsonl", new byte[] {'{', 0, 1, 2, 3, 4, 5, 6, 7, 8, '}', '\n'}))
                .hasMessageContaining("mostly binary (9 of its first 12 bytes");
        assertThatThrownBy(() -> check("g.jsonl.gz", ContentSourceTest.gzip(new byte[] {0x50, 0x4B, 0x03, 0x04})))
                .hasMessageContaining("(decompressed from gzip)").hasMessageContaining("zip archive");
        assertThatThrownBy(() -> check("gg.jsonl.gz", ContentSourceTest.gzip(ContentSourceTest.gzip(utf8("{}\n")))))
                .hasMessageContaining("gzip inside gzip");
    }
}
