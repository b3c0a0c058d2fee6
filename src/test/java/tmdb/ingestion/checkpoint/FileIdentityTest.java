package tmdb.ingestion.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class FileIdentityTest {

    @TempDir
    Path dir;

    @Test
    void theSameContentIsTheSameFileAndOtherContentUnderTheSameNameIsNot() throws IOException {
        Path file = dir.resolve("a.jsonl");
        String content = "{\"movie_id\": 1}\n".repeat(20_000);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        FileIdentity first = FileIdentity.of("movie/new/a.jsonl", file);
        assertThat(FileIdentity.of("movie/new/a.jsonl", file)).isEqualTo(first);

        Files.writeString(file, content.replaceFirst("1", "2"), StandardCharsets.UTF_8);
        FileIdentity sameSizeNewHead = FileIdentity.of("movie/new/a.jsonl", file);
        assertThat(sameSizeNewHead.size()).isEqualTo(first.size());
        assertThat(sameSizeNewHead.fingerprint()).isNotEqualTo(first.fingerprint());

        Files.writeString(file, content + "{\"movie_id\": 2}\n", StandardCharsets.UTF_8);
        assertThat(FileIdentity.of("movie/new/a.jsonl", file).fingerprint()).isNotEqualTo(first.fingerprint());

        Checkpoint checkpoint = new Checkpoint("movie/new/a.jsonl", first.size(), first.fingerprint(), 0, 0, 0,
                java.util.List.of(), false);
        assertThat(checkpoint.isOf(first)).isTrue();
        assertThat(checkpoint.isOf(sameSizeNewHead)).isFalse();
    }

    @Test
    void anEmptyFileHasAnIdentity() throws IOException {
        Path file = Files.createFile(dir.resolve("empty.jsonl"));
        assertThat(FileIdentity.of("movie/new/empty.jsonl", file).size()).isZero();
    }
}
