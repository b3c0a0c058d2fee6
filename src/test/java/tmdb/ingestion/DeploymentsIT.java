package tmdb.ingestion;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.datagen.TmdbDataGenerator;
import tmdb.ingestion.support.ApplicationProcess;
import tmdb.ingestion.support.SourceLines;
import tmdb.ingestion.support.TestBroker;
import tmdb.ingestion.support.TopicReader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deployments that share one checkpoint topic (the default one does): each uses only its own checkpoints, so the
 * same files read by two deployments into different topics are ingested by both, and a deployment named by
 * {@code ingestion.deployment-id} keeps its checkpoints when its data folder moves.
 */
class DeploymentsIT {

    @TempDir
    Path dir;

    private final String prefix = "deployments-" + System.nanoTime();

    @Test
    void twoDeploymentsWithCopiesOfTheSameFilesInOtherFoldersEachIngestThemAll() throws Exception {
        TmdbDataGenerator.Manifest manifest = new TmdbDataGenerator(31).generate(dir.resolve("a"), List.of("movie"),
                40, 100);
        new TmdbDataGenerator(31).generate(dir.resolve("b"), List.of("movie"), 40, 100);

        String first = run(dir.resolve("a"), prefix + ".a.movies", "");
        assertThat(first).contains("published         " + manifest.totalRecords() + " records");
        String second = run(dir.resolve("b"), prefix + ".b.movies", "");
        int files = manifest.records().size(); // 40 records in files of up to 100 lines: one per label folder

        assertThat(second)
                .contains(prefix + ".cp also holds the checkpoints of " + files + " files of another deployment "
                        + "(data folder " + dir.resolve("a") + ", id ")
                .contains("from its start: the checkpoint topic has a checkpoint under this path, not used here: of "
                        + "another deployment (data folder " + dir.resolve("a"))
                .contains("published         " + manifest.totalRecords() + " records");
        assertThat(TopicReader.readToEnd(TestBroker.bootstrapServers(), List.of(prefix + ".b.movies")))
                .as("every record of the second deployment, although the first one finished files of the same names "
                        + "and contents")
                .hasSize((int) manifest.totalRecords());
    }

    @Test
    void aDeploymentNamedByItsIdKeepsItsCheckpointsWhenItsDataFolderMoves() throws Exception {
        TmdbDataGenerator.Manifest manifest = new TmdbDataGenerator(33).generate(dir.resolve("before"),
                List.of("movie"), 40, 100);
        new TmdbDataGenerator(33).generate(dir.resolve("after"), List.of("movie"), 40, 100);
        String movies = prefix + ".movies";

        assertThat(run(dir.resolve("before"), movies, "catalog"))
                .contains("published         " + manifest.totalRecords() + " records");
        String moved = run(dir.resolve("after"), movies, "catalog");

        assertThat(moved).contains("files known in " + prefix + ".cp for this deployment (ingestion.deployment-id="
                        + "catalog, id catalog)")
                .contains("published         0 records")
                .doesNotContain("another deployment");
        assertThat(TopicReader.readToEnd(TestBroker.bootstrapServers(), List.of(movies)))
                .as("files finished under the old folder are not sent again from the new one")
                .hasSize((int) manifest.totalRecords());

        new TmdbDataGenerator(33).generate(dir.resolve("again"), List.of("movie"), 40, 100);
        long files;
        try (Stream<Path> walk = Files.walk(dir.resolve("again"))) {
            files = walk.filter(SourceLines::isDataFile).count();
        }
        String afterRetention = run(dir.resolve("again"), movies, "catalog",
                "--ingestion.checkpoint.done-retention=1ms");
        assertThat(afterRetention)
                .contains("Forgot " + files + " finished checkpoints older than PT0.001S")
                .contains("published         " + manifest.totalRecords() + " records");
        assertThat(TopicReader.readToEnd(TestBroker.bootstrapServers(), List.of(movies)))
                .as("the same files dropped again once their finished checkpoints expired are ingested again")
                .hasSize(2 * (int) manifest.totalRecords());
        Map<String, List<Boolean>> tombstonesByKey = new TreeMap<>();
        TopicReader.readToEnd(TestBroker.bootstrapServers(), List.of(prefix + ".cp")).forEach(record ->
                tombstonesByKey.computeIfAbsent(record.key(), key -> new ArrayList<>())
                        .add(record.value() == null));
        assertThat(tombstonesByKey).as("each file's checkpoints: finished, tombstoned, then written again").hasSize((int) files)
                .allSatisfy((key, tombstones) -> assertThat(tombstones).contains(true).last().isEqualTo(false));
    }

    private String run(Path dataDir, String movieTopic, String deploymentId, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--kafka.bootstrap-servers=" + TestBroker.bootstrapServers(),
                "--ingestion.mode=once", "--ingestion.data-dir=" + dataDir, "--ingestion.file.quiet-period-ms=0",
                "--ingestion.type.movie.topic=" + movieTopic, "--ingestion.dead-letter.topic=" + prefix + ".dlq",
                "--ingestion.checkpoint.topic=" + prefix + ".cp",
                "--ingestion.deployment-id=" + deploymentId));
        args.addAll(List.of(extra));
        try (ApplicationProcess application = ApplicationProcess.start(dataDir.resolveSibling(dataDir.getFileName()
                        + ".log"), Map.of(), args.toArray(String[]::new))) {
            assertThat(application.awaitExit(Duration.ofSeconds(60))).as(application.output()).isZero();
            return application.output();
        }
    }
}
