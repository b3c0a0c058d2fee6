package tmdb.ingestion.checkpoint;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tmdb.ingestion.config.ConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/**
 * Which deployment checkpoints belong to, and checkpoints as they are written ({@link CheckpointStore#serialize})
 * and read back from the topic: every field survives, a deployment uses only its own (those that name none only
 * while no other deployment shares the topic), not those written for another topic than its type's, and the
 * topic's order and tombstones decide.
 */
class CheckpointLogTest {

    private static final Map<String, String> TOPICS = Map.of("movie", "movies", "person", "people");
    private static final Deployment MINE = new Deployment("mine", "data folder /data", TOPICS);
    private static final Deployment THEIRS = new Deployment("theirs", "data folder /other", TOPICS);

    private static final String FINGERPRINT = "0123456789abcdef0123456789abcdef";

    /** The checkpoint's record value, as a run named "run" of the deployment writes it. */
    private static byte[] value(Deployment deployment, Checkpoint checkpoint) {
        return CheckpointRecord.value(checkpoint, deployment, "run");
    }

    private static Checkpoint checkpoint(String file, long line, List<Long> pending, boolean done) {
        return new Checkpoint(file, 1 << 20, FINGERPRINT, line, line * 100, line + 250, pending, done);
    }

    private static void write(CheckpointLog log, Deployment deployment, Checkpoint checkpoint) {
        log.add(CheckpointRecord.key(deployment, checkpoint.file()), value(deployment, checkpoint));
    }

    @Test
    void everyFieldOfACheckpointSurvivesItsEncoding() {
        Checkpoint written = checkpoint("movie/new/a.jsonl", 41, List.of(43L, 47L), false);
        CheckpointLog log = new CheckpointLog(MINE);

        write(log, MINE, written);

        assertThat(log.usable()).containsExactly(entry("movie/new/a.jsonl", written));
        assertThat(CheckpointLog.runOf(value(MINE, written), MINE)).contains("run");
        assertThat(CheckpointLog.runOf(value(THEIRS, written), MINE)).isEmpty();
    }

    @Test
    void aCheckpointsAgeIsItsOwnDeploymentsWordAndATombstoneOrAnUnreadableTimeLeavesNone() {
        CheckpointLog log = new CheckpointLog(MINE);
        Checkpoint mine = checkpoint("movie/new/a.jsonl", 20, List.of(), true);
        Instant before = Instant.now().minusSeconds(1);

        write(log, MINE, mine);
        write(log, THEIRS, mine);
        log.add("movie/new/a.jsonl", "{\"file\": \"movie/new/a.jsonl\", \"time\": \"2001-01-01T00:00:00Z\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(log.writtenAt("movie/new/a.jsonl")).as("another deployment's or a legacy record's time is not "
                + "this deployment's").hasValueSatisfying(time -> assertThat(time).isAfter(before));
        log.add(CheckpointRecord.key(MINE, mine.file()), null);
        assertThat(log.writtenAt("movie/new/a.jsonl")).isEmpty();
    }

    @Test
    void aFinishedCheckpointExpiresOnceItsRetentionHasPassed() {
        Instant written = Instant.parse("2026-11-01T00:00:00Z");
        DoneRetention week = new DoneRetention(Duration.ofDays(7));

        assertThat(week.expired(written, written.plus(Duration.ofDays(6)))).isFalse();
        assertThat(week.expired(written, written.plus(Duration.ofDays(8)))).isTrue();
    }

    @Test
    void aDeploymentUsesItsOwnCheckpointsAndNeverAnothersWhichItReportsOncePerFile() {
        CheckpointLog log = new CheckpointLog(MINE);
        Checkpoint theirs = checkpoint("movie/change/c.jsonl", 99, List.of(), true);

        write(log, MINE, checkpoint("movie/new/a.jsonl", 20, List.of(), false));
        for (int commit = 0; commit < 5; commit++) {
            write(log, THEIRS, theirs);
        }

        assertThat(log.usable()).containsOnlyKeys("movie/new/a.jsonl");
        assertThat(log.others()).containsOnlyKeys("theirs");
        assertThat(log.others().get("theirs").files()).as("files, not records").isEqualTo(1);
        assertThat(log.notUsedByFile()).containsEntry("movie/change/c.jsonl",
                "of another deployment (data folder /other, id theirs)");
    }

    @Test
    void checkpointsThatNameNoDeploymentAreUsedOnlyWhileNoOtherDeploymentSharesTheTopic() {
        Checkpoint legacy = checkpoint("movie/old/b.jsonl", 7, List.of(), true);
        CheckpointLog alone = new CheckpointLog(MINE);
        alone.add("movie/old/b.jsonl", withoutDeployment(value(MINE, legacy)));
        write(alone, MINE, checkpoint("movie/new/a.jsonl", 20, List.of(), false));

        CheckpointLog shared = new CheckpointLog(MINE);
        shared.add("movie/old/b.jsonl", withoutDeployment(value(MINE, legacy)));
        write(shared, THEIRS, checkpoint("movie/new/z.jsonl", 1, List.of(), false));

        assertThat(alone.usable()).containsOnlyKeys("movie/old/b.jsonl", "movie/new/a.jsonl");
        assertThat(shared.usable()).as("another deployment may have written it").isEmpty();
        assertThat(shared.notUsedByFile()).containsKey("movie/old/b.jsonl");
    }

    @Test
    void aCheckpointWrittenForAnotherTopicThanItsTypesIsNotUsedAddingATypeChangesNothing() {
        Deployment before = new Deployment("mine", "data folder /data", Map.of("movie", "movies.v1"));
        CheckpointLog log = new CheckpointLog(new Deployment("mine", "data folder /data",
                Map.of("movie", "movies.v2", "person", "people")));
        CheckpointLog afterAddingAType = new CheckpointLog(new Deployment("mine", "data folder /data",
                Map.of("movie", "movies.v1", "person", "people")));

        write(log, before, checkpoint("movie/new/a.jsonl", 20, List.of(), false));
        write(afterAddingAType, before, checkpoint("movie/new/a.jsonl", 20, List.of(), false));

        assertThat(log.usable()).isEmpty();
        assertThat(log.notUsedByFile()).containsEntry("movie/new/a.jsonl",
                "written when its records went to topic movies.v1, and they go to movies.v2 now");
        assertThat(afterAddingAType.usable()).containsOnlyKeys("movie/new/a.jsonl");
    }

    @Test
    void aLaterRecordReplacesAnEarlierOneAndATombstoneRemovesIt() {
        CheckpointLog log = new CheckpointLog(MINE);
        Checkpoint later = checkpoint("movie/new/a.jsonl", 9, List.of(), true);
        Checkpoint removed = checkpoint("movie/new/b.jsonl", 3, List.of(), false);
        Checkpoint theirsRemoved = checkpoint("movie/new/c.jsonl", 3, List.of(), false);

        write(log, MINE, checkpoint("movie/new/a.jsonl", 5, List.of(7L), false));
        write(log, MINE, later);
        write(log, MINE, removed);
        log.add(CheckpointRecord.key(MINE, removed.file()), null);
        write(log, THEIRS, theirsRemoved);
        log.add(CheckpointRecord.key(THEIRS, theirsRemoved.file()), null);
        log.add("movie/new/a|b.jsonl", withoutDeployment(value(MINE, 
                checkpoint("movie/new/a|b.jsonl", 1, List.of(), false))));
        log.add("movie/new/a|b.jsonl", null);

        assertThat(log.usable()).containsExactly(entry("movie/new/a.jsonl", later));
        assertThat(log.others()).as("their only file was removed").isEmpty();
    }

    @Test
    void aRecordThatIsNotJsonIsIgnored() {
        CheckpointLog log = new CheckpointLog(MINE);

        log.add("mine|movie/new/a.jsonl", "not json".getBytes(StandardCharsets.UTF_8));

        assertThat(log.usable()).isEmpty();
        assertThat(log.others()).isEmpty();
    }

    @Test
    void aDeploymentIsItsDataFolderOrItsExplicitIdWhichMayNotHoldTheKeysSeparator() {
        assertThatThrownBy(() -> Deployment.of("a|b", Path.of("/data"), TOPICS))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("ingestion.deployment-id=a|b");
        assertThat(Deployment.of(" catalog ", Path.of("/data"), TOPICS).id()).isEqualTo("catalog");
        assertThat(Deployment.of("", Path.of("/data"), TOPICS).id())
                .as("adding a type does not make another deployment")
                .isEqualTo(Deployment.of("", Path.of("/data"), Map.of("movie", "movies")).id())
                .isNotEqualTo(Deployment.of("", Path.of("/other"), TOPICS).id());
        assertThat(MINE.topicOf("person/new/p.jsonl")).isEqualTo("people");
        assertThat(MINE.topicOf("collection/new/c.jsonl")).isEmpty();
        assertThat(MINE.topicOf("s3://bucket/person/new/p.jsonl")).as("an object, its type third from the end")
                .isEqualTo("people");
        assertThat(MINE.topicOf("s3://bucket/exports/2026/person/new/p.jsonl")).isEqualTo("people");
        assertThat(MINE.topicOf("s3://bucket/p.jsonl")).as("the bucket is no type").isEmpty();
        assertThat(MINE.topicOf("new/p.jsonl")).isEmpty();
    }

    /** A checkpoint as written before checkpoints named their deployment. */
    private static byte[] withoutDeployment(byte[] value) {
        return new String(value, StandardCharsets.UTF_8)
                .replaceAll("\"(deployment|deployment_description|topic)\":\"[^\"]*\",?", "")
                .getBytes(StandardCharsets.UTF_8);
    }
}
