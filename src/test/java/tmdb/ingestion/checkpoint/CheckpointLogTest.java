package tmdb.ingestion.checkpoint;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import tmdb.ingestion.config.ConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/**
 * Which deployment checkpoints belong to, and checkpoints as they are written ({@link CheckpointStore#serialize}) and read back from the topic: every field
 * survives, a deployment uses only its own (over those that name none), another deployment's are reported, and
 * the topic's order and tombstones decide.
 */
class CheckpointLogTest {

    private static final Deployment MINE = new Deployment("mine", "data folder /data, topics movies");
    private static final Deployment THEIRS = new Deployment("theirs", "data folder /other, topics movies.test");

    private static CheckpointStore store(Deployment deployment) {
        return new CheckpointStore("checkpoints", Properties::new, null, "run", true, deployment);
    }

    private static Checkpoint checkpoint(String file, long line, List<Long> pending, boolean done) {
        return new Checkpoint(file, 4096, "sha256:abc", line, line * 100, line * 100 + 250, pending, done);
    }

    @Test
    void everyFieldOfACheckpointSurvivesItsEncoding() {
        Checkpoint written = checkpoint("movie/new/a.jsonl", 41, List.of(43L, 47L), false);
        CheckpointLog log = new CheckpointLog(MINE);

        log.add(store(MINE).key(written), store(MINE).serialize(written));

        assertThat(log.usable()).containsExactly(entry("movie/new/a.jsonl", written));
    }

    @Test
    void aDeploymentUsesItsOwnCheckpointsOverThoseThatNameNoneAndNeverAnothers() {
        CheckpointLog log = new CheckpointLog(MINE);
        Checkpoint legacy = checkpoint("movie/new/a.jsonl", 10, List.of(), false);
        Checkpoint legacyOnly = checkpoint("movie/old/b.jsonl", 7, List.of(), true);
        Checkpoint own = checkpoint("movie/new/a.jsonl", 20, List.of(), false);
        Checkpoint theirs = checkpoint("movie/change/c.jsonl", 99, List.of(), true);

        log.add("movie/new/a.jsonl", withoutDeployment(store(MINE).serialize(legacy)));
        log.add("movie/old/b.jsonl", withoutDeployment(store(MINE).serialize(legacyOnly)));
        log.add(store(MINE).key(own), store(MINE).serialize(own));
        log.add(store(THEIRS).key(theirs), store(THEIRS).serialize(theirs));

        assertThat(log.usable()).containsOnlyKeys("movie/new/a.jsonl", "movie/old/b.jsonl");
        assertThat(log.usable().get("movie/new/a.jsonl").line()).as("its own over the legacy one").isEqualTo(20);
        assertThat(log.others()).containsOnlyKeys("theirs");
        assertThat(log.others().get("theirs").files()).isEqualTo(1);
        assertThat(log.othersByFile()).containsEntry("movie/change/c.jsonl",
                "data folder /other, topics movies.test, id theirs");
    }

    @Test
    void aLaterRecordReplacesAnEarlierOneAndATombstoneRemovesIt() {
        CheckpointLog log = new CheckpointLog(MINE);
        Checkpoint first = checkpoint("movie/new/a.jsonl", 5, List.of(7L), false);
        Checkpoint later = checkpoint("movie/new/a.jsonl", 9, List.of(), true);
        Checkpoint removed = checkpoint("movie/new/b.jsonl", 3, List.of(), false);

        log.add(store(MINE).key(first), store(MINE).serialize(first));
        log.add(store(MINE).key(later), store(MINE).serialize(later));
        log.add(store(MINE).key(removed), store(MINE).serialize(removed));
        log.add(store(MINE).key(removed), null);
        log.add(store(THEIRS).key(later), null);

        assertThat(log.usable()).containsOnlyKeys("movie/new/a.jsonl");
        assertThat(log.usable().get("movie/new/a.jsonl")).isEqualTo(later);
    }

    @Test
    void aRecordThatIsNotJsonIsIgnored() {
        CheckpointLog log = new CheckpointLog(MINE);

        log.add("mine|movie/new/a.jsonl", "not json".getBytes(StandardCharsets.UTF_8));

        assertThat(log.usable()).isEmpty();
        assertThat(log.others()).isEmpty();
    }

    @Test
    void aDeploymentIdMayNotHoldTheKeysSeparator() {
        assertThatThrownBy(() -> Deployment.of("a|b", Path.of("/data"), List.of("movies")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("ingestion.deployment-id=a|b");
        assertThat(Deployment.of(" catalog ", Path.of("/data"), List.of("movies")).id()).isEqualTo("catalog");
        assertThat(Deployment.of("", Path.of("/data"), List.of("movies", "people")))
                .as("the same folder and topics, in any order, are the same deployment")
                .isEqualTo(Deployment.of("", Path.of("/data"), List.of("people", "movies")))
                .isNotEqualTo(Deployment.of("", Path.of("/other"), List.of("people", "movies")));
    }

    /** A checkpoint as written before checkpoints named their deployment. */
    private static byte[] withoutDeployment(byte[] value) {
        return new String(value, StandardCharsets.UTF_8).replaceAll("\"deployment(_description)?\":\"[^\"]*\",?", "")
                .getBytes(StandardCharsets.UTF_8);
    }
}
