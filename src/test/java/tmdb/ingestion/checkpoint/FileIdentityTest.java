package tmdb.ingestion.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tmdb.ingestion.content.Content;
import tmdb.ingestion.content.LocalFileContent;

import static org.assertj.core.api.Assertions.assertThat;

class FileIdentityTest {

    private static final String NAME = "movie/new/a.jsonl";
    private static final String CONTENT = "{\"movie_id\": 1}\n".repeat(20_000);

    @TempDir
    Path dir;

    private FileIdentity identity(Path file, long covered) throws IOException {
        try (Content channel = LocalFileContent.open(file)) {
            return FileIdentity.of(NAME, channel, covered);
        }
    }

    private boolean matches(Checkpoint checkpoint, Path file) throws IOException {
        try (Content channel = LocalFileContent.open(file)) {
            return FileIdentity.matches(checkpoint, NAME, channel);
        }
    }

    private static Checkpoint checkpointOf(FileIdentity identity) {
        return new Checkpoint(NAME, identity.size(), identity.fingerprint(), 0, 0, 0, List.of(), false);
    }

    @Test
    void theSameContentIsTheSameFileAndOtherContentUnderTheSameNameIsNot() throws IOException {
        Path file = Files.writeString(dir.resolve("a.jsonl"), CONTENT, StandardCharsets.UTF_8);
        FileIdentity first = identity(file, Files.size(file));
        assertThat(identity(file, Files.size(file))).isEqualTo(first);
        Checkpoint checkpoint = checkpointOf(first);
        assertThat(matches(checkpoint, file)).isTrue();

        Files.writeString(file, CONTENT.replaceFirst("1", "2"), StandardCharsets.UTF_8);
        assertThat(identity(file, Files.size(file)).fingerprint()).isNotEqualTo(first.fingerprint());
        assertThat(matches(checkpoint, file)).as("same size, another head").isFalse();

        Files.writeString(file, CONTENT.substring(0, CONTENT.length() - 16) + "{\"movie_id\": 9}\n");
        assertThat(matches(checkpoint, file)).as("same size, another tail").isFalse();
    }

    @Test
    void aFileThatGrewIsStillRecognisedByTheBytesTheCheckpointCovered() throws IOException {
        Path file = Files.writeString(dir.resolve("a.jsonl"), CONTENT, StandardCharsets.UTF_8);
        Checkpoint checkpoint = checkpointOf(identity(file, Files.size(file)));

        Files.writeString(file, "{\"movie_id\": 2}\n".repeat(10_000), StandardOpenOption.APPEND);

        assertThat(matches(checkpoint, file)).isTrue();
        assertThat(identity(file, Files.size(file)).fingerprint()).isNotEqualTo(checkpoint.fingerprint());
    }

    @Test
    void aFileShorterThanTheCheckpointCoveredIsAnotherFile() throws IOException {
        Path file = Files.writeString(dir.resolve("a.jsonl"), CONTENT, StandardCharsets.UTF_8);
        Checkpoint checkpoint = checkpointOf(identity(file, Files.size(file)));

        Files.writeString(file, CONTENT.substring(0, 1000));

        assertThat(matches(checkpoint, file)).isFalse();
    }

    @Test
    void anEmptyFileHasAnIdentity() throws IOException {
        Path file = Files.createFile(dir.resolve("empty.jsonl"));
        assertThat(identity(file, 0).size()).isZero();
    }
}
