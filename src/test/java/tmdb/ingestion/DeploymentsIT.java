package tmdb.ingestion;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.datagen.TmdbDataGenerator;
import tmdb.ingestion.support.ApplicationProcess;
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
    }

    private String run(Path dataDir, String movieTopic, String deploymentId) throws Exception {
        try (ApplicationProcess application = ApplicationProcess.start(dataDir.resolveSibling(dataDir.getFileName()
                        + ".log"), Map.of(), "--kafka.bootstrap-servers=" + TestBroker.bootstrapServers(),
                "--ingestion.mode=once", "--ingestion.data-dir=" + dataDir, "--ingestion.file.quiet-period-ms=0",
                "--ingestion.type.movie.topic=" + movieTopic, "--ingestion.dead-letter.topic=" + prefix + ".dlq",
                "--ingestion.checkpoint.topic=" + prefix + ".cp",
                "--ingestion.deployment-id=" + deploymentId)) {
            assertThat(application.awaitExit(Duration.ofSeconds(60))).as(application.output()).isZero();
            return application.output();
        }
    }
}
