package tmdb.ingestion.file;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.component.file.GenericFile;
import tmdb.ingestion.checkpoint.FilePartitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Which {@code .jsonl} entries the folder routes take, when some of them are symbolic links. */
class FileTrackerLinksTest {

    @TempDir
    Path dir;

    private boolean accepted(SymlinkPolicy policy, Path entry) {
        FileTracker tracker = new FileTracker(dir.resolve("data"), new FileTracker.Options(1 << 20, 100, 1 << 20, 0,
                policy), new InFlightBudget(1 << 20), new IngestionStats(), null, null, new FilePartitions(), "test", "test");
        GenericFile<File> file = new GenericFile<>();
        file.setFile(entry.toFile());
        return tracker.accept(file);
    }

    @Test
    void linksAreSkippedByDefaultWhereverTheyPoint() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("data/movie/new"));
        Path inside = Files.writeString(Files.createDirectories(dir.resolve("data/elsewhere")).resolve("a.jsonl"), "{}\n");
        Path outside = Files.writeString(dir.resolve("secrets.txt"), "password=hunter2\n");
        Path regular = Files.writeString(folder.resolve("regular.jsonl"), "{}\n");

        assertThat(accepted(SymlinkPolicy.SKIP, regular)).isTrue();
        assertThat(accepted(SymlinkPolicy.SKIP, Files.createSymbolicLink(folder.resolve("in.jsonl"), inside))).isFalse();
        assertThat(accepted(SymlinkPolicy.SKIP, Files.createSymbolicLink(folder.resolve("out.jsonl"), outside)))
                .isFalse();
    }

    @Test
    void allowedLinksAreReadOnlyWhenTheyPointUnderTheDataFolder() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("data/movie/new"));
        Path inside = Files.writeString(Files.createDirectories(dir.resolve("data/elsewhere")).resolve("a.jsonl"), "{}\n");
        Path outside = Files.writeString(dir.resolve("secrets.txt"), "password=hunter2\n");
        Path dataNeighbour = Files.writeString(Files.createDirectories(dir.resolve("data-old")).resolve("b.jsonl"),
                "{}\n");

        assertThat(accepted(SymlinkPolicy.WITHIN_DATA_DIR, Files.createSymbolicLink(folder.resolve("in.jsonl"),
                inside))).isTrue();
        assertThat(accepted(SymlinkPolicy.WITHIN_DATA_DIR, Files.createSymbolicLink(folder.resolve("out.jsonl"),
                outside))).isFalse();
        assertThat(accepted(SymlinkPolicy.WITHIN_DATA_DIR, Files.createSymbolicLink(folder.resolve("next.jsonl"),
                dataNeighbour))).as("a folder whose name starts like the data folder's is not under it").isFalse();
        assertThat(accepted(SymlinkPolicy.WITHIN_DATA_DIR, Files.createSymbolicLink(folder.resolve("up.jsonl"),
                Path.of("../../../secrets.txt")))).as("a relative link that climbs out").isFalse();
        assertThat(accepted(SymlinkPolicy.WITHIN_DATA_DIR, Files.createSymbolicLink(folder.resolve("dangling.jsonl"),
                dir.resolve("gone.jsonl")))).isFalse();
    }
}
