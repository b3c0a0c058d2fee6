package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.content.ObjectDisposal;
import tmdb.ingestion.content.StoredObject;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an announcement may make an instance read: only regular files directly in a watched folder, named as the
 * folders' pattern says, of that folder's type and label, and links only when allowed and pointing under the data
 * folder. Whatever else it names is refused, with a reason.
 */
class ClaimCheckTest {

    @TempDir
    Path dir;

    private Path data;
    private Path secret;

    @BeforeEach
    void folders() throws IOException {
        data = Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(data.resolve("movie/new"));
        Files.createDirectories(data.resolve("movie/old"));
        Files.writeString(data.resolve("movie/new/a.jsonl"), "{}\n");
        secret = Files.writeString(dir.resolve("secret.jsonl"), "{\"password\": \"hunter2\"}\n");
    }

    private ClaimCheck check(SymlinkPolicy links) {
        return new ClaimCheck(data, Map.of(
                data.resolve("movie/new").toAbsolutePath().normalize(), new ClaimCheck.Folder("movie", "new"),
                data.resolve("movie/old").toAbsolutePath().normalize(), new ClaimCheck.Folder("movie", "old")),
                "*.jsonl", links);
    }

    private String refusal(String identity, String type, String label) {
        ClaimCheck.Verdict verdict = check(SymlinkPolicy.SKIP).check(identity, type, label);
        assertThat(verdict).as(identity).isInstanceOf(ClaimCheck.Refused.class);
        return ((ClaimCheck.Refused) verdict).reason();
    }

    @Test
    void aFileDirectlyInAWatchedFolderOfItsTypeAndLabelIsAccepted() {
        assertThat(check(SymlinkPolicy.SKIP).check("movie/new/a.jsonl", "movie", "new"))
                .isEqualTo(new ClaimCheck.Accepted(data.resolve("movie/new/a.jsonl").toAbsolutePath(),
                        data.resolve("movie/new").toAbsolutePath()));
        assertThat(check(SymlinkPolicy.SKIP).check("movie/new/gone.jsonl", "movie", "new"))
                .isInstanceOf(ClaimCheck.Gone.class);
    }

    @Test
    void anObjectIsAcceptedOnlyDirectlyUnderTheFolderOfItsTypeAndLabelInTheConfiguredBucket() {
        ClaimCheck withBucket = check(SymlinkPolicy.SKIP).withBucket(new ClaimCheck.Bucket("raw", "exports/",
                object -> null, ObjectDisposal.LEAVE, Runnable::run));
        assertThat(withBucket.checkObject("s3://raw/exports/movie/new/a.jsonl", "movie", "new", 12, "\"e1\""))
                .isEqualTo(new ClaimCheck.AcceptedObject(new StoredObject("raw", "exports/movie/new/a.jsonl", 12,
                        "\"e1\"")));
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("s3://other/exports/movie/new/a.jsonl", "not directly under s3://raw/exports/movie/new/");
        refusals.put("s3://raw/movie/new/a.jsonl", "not directly under s3://raw/exports/movie/new/");
        refusals.put("s3://raw/exports/movie/old/a.jsonl", "not directly under s3://raw/exports/movie/new/");
        refusals.put("s3://raw/exports/movie/new/deeper/a.jsonl", "deeper keys");
        refusals.put("s3://raw/exports/movie/new/../../../secret.jsonl", "deeper keys");
        refusals.put("s3://raw/exports/movie/new/.partial.jsonl", "hidden names");
        refusals.put("s3://raw/exports/movie/new/notes.txt", "pattern *.jsonl");
        refusals.put("s3://raw/exports/movie/new/a\u0007.jsonl", "control characters");
        refusals.put("s3://raw/exports/movie/new/", "pattern");
        refusals.forEach((identity, reason) -> assertThat(withBucket.checkObject(identity, "movie", "new", 12,
                "\"e1\"")).as(identity).isInstanceOfSatisfying(ClaimCheck.Refused.class, refused ->
                assertThat(refused.reason()).contains(reason)));
        assertThat(withBucket.checkObject("s3://raw/exports/person/new/a.jsonl", "person", "new", 12, "\"e1\""))
                .isInstanceOfSatisfying(ClaimCheck.Refused.class, refused -> assertThat(refused.reason())
                        .contains("person/new is not a watched type and label"));
        assertThat(withBucket.checkObject("s3://raw/exports/movie/new/a.jsonl", "movie", "new", -1, null))
                .isInstanceOfSatisfying(ClaimCheck.Refused.class, refused -> assertThat(refused.reason())
                        .contains("gives no size and ETag"));
        assertThat(withBucket.checkObject("s3://raw/exports/movie/new/a.jsonl", "movie", "new", 0, "\"e1\""))
                .as("announced empty: nothing would be read, and its finished checkpoint would say so of the object")
                .isInstanceOfSatisfying(ClaimCheck.Refused.class, refused -> assertThat(refused.reason())
                        .contains("it is empty"));
        assertThat(withBucket.check("movie/new/a.jsonl", "movie", "new")).as("a file, although it is there")
                .isInstanceOfSatisfying(ClaimCheck.Refused.class, refused -> assertThat(refused.reason())
                        .contains("this deployment reads the bucket s3://raw/exports/ instead of the folders"));
        assertThat(check(SymlinkPolicy.SKIP).checkObject("s3://raw/exports/movie/new/a.jsonl", "movie", "new", 12,
                "\"e1\"")).as("no bucket configured").isInstanceOfSatisfying(ClaimCheck.Refused.class, refused ->
                assertThat(refused.reason()).contains("no bucket is configured (ingestion.source.s3.bucket)"));
    }

    @Test
    void pathsOutsideTheWatchedFoldersAreRefusedHoweverTheyAreWritten() throws IOException {
        assertThat(refusal("../secret.jsonl", "movie", "new")).contains("not written as a path under the data folder");
        assertThat(refusal("movie/new/../../../secret.jsonl", "movie", "new")).contains("not written as a path");
        assertThat(refusal(secret.toString(), "movie", "new")).contains("not directly in one of the watched folders");
        assertThat(refusal("movie/new/./a.jsonl", "movie", "new")).contains("not written as a path");
        assertThat(refusal("a.jsonl", "movie", "new")).contains("not directly in one of the watched folders");
        Files.createDirectories(data.resolve("movie/new/deeper"));
        Files.writeString(data.resolve("movie/new/deeper/b.jsonl"), "{}\n");
        assertThat(refusal("movie/new/deeper/b.jsonl", "movie", "new"))
                .contains("not directly in one of the watched folders");
        assertThat(refusal("movie/new", "movie", "new")).contains("not directly in one of the watched folders");
        assertThat(refusal("", "movie", "new")).contains("names no path");
        assertThat(refusal("movie/new/a\u0000.jsonl", "movie", "new")).contains("names no path");
    }

    @Test
    void whatIsNotARegularFileOfThePatternIsRefused() throws IOException {
        Files.createDirectories(data.resolve("movie/new/dir.jsonl"));
        Files.writeString(data.resolve("movie/new/.hidden.jsonl"), "{}\n");
        Files.writeString(data.resolve("movie/new/notes.txt"), "{}\n");

        assertThat(refusal("movie/new/dir.jsonl", "movie", "new")).contains("is a directory");
        assertThat(refusal("movie/new/.hidden.jsonl", "movie", "new")).contains("pattern *.jsonl");
        assertThat(refusal("movie/new/notes.txt", "movie", "new")).contains("pattern *.jsonl");
        assertThat(refusal("movie/new/a.jsonl", "movie", "old")).contains("announced as movie/old")
                .contains("holds movie/new");
    }

    @Test
    void linksAreRefusedByDefaultAndWhenAllowedReadOnlyIfTheyPointToAFileUnderTheDataFolder() throws IOException {
        Path folder = data.resolve("movie/new");
        Path inside = Files.writeString(Files.createDirectories(data.resolve("elsewhere")).resolve("a.jsonl"), "{}\n");
        Files.createSymbolicLink(folder.resolve("in.jsonl"), inside);
        Files.createSymbolicLink(folder.resolve("out.jsonl"), secret);
        Files.createSymbolicLink(folder.resolve("up.jsonl"), Path.of("../../../secret.jsonl"));
        Files.createSymbolicLink(folder.resolve("dangling.jsonl"), dir.resolve("gone.jsonl"));
        Files.createSymbolicLink(folder.resolve("folder.jsonl"), data.resolve("elsewhere"));
        Path neighbour = Files.writeString(Files.createDirectories(dir.resolve("data-old")).resolve("b.jsonl"), "{}\n");
        Files.createSymbolicLink(folder.resolve("next.jsonl"), neighbour);

        assertThat(refusal("movie/new/in.jsonl", "movie", "new")).contains("links are not followed");
        ClaimCheck allowing = check(SymlinkPolicy.WITHIN_DATA_DIR);
        assertThat(allowing.check("movie/new/in.jsonl", "movie", "new")).isInstanceOf(ClaimCheck.Accepted.class);
        for (String link : new String[] {"out", "up", "dangling", "folder", "next"}) {
            assertThat(allowing.check("movie/new/" + link + ".jsonl", "movie", "new")).as(link)
                    .isInstanceOf(ClaimCheck.Refused.class);
        }
    }
}
