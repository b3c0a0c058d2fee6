package tmdb.ingestion;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tmdb.ingestion.datagen.TmdbDataGenerator;
import tmdb.ingestion.support.ApplicationProcess;
import tmdb.ingestion.support.CompressedFiles;
import tmdb.ingestion.support.ManagementEndpoint;
import tmdb.ingestion.support.SourceLines;
import tmdb.ingestion.support.TestBroker;
import tmdb.ingestion.support.TopicReader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application stopped abruptly or by SIGTERM in the middle of a run loses nothing: a file leaves its folder
 * only once all its records are acknowledged, and a restart resumes each unfinished file after its checkpoint
 * (at-least-once: what was sent after the last checkpoint is sent again, byte for byte the same). The killed runs
 * read compressed files among plain ones (gzip of one member and of several, zstd with a long window, and a gzip file
 * cut short), resumed mid-file like plain ones.
 * <p>
 * On a group and topics of its own, it runs beside the other integration tests; its runs, which keep the machine busy,
 * one after the other.
 */
@Tag("slow")
@Execution(ExecutionMode.CONCURRENT)
class CrashRecoveryIT {

    private static final List<String> TYPES = TmdbDataGenerator.TYPES;
    /** Records per second of the runs that are killed. */
    private static final int PACE = 3000;
    /**
     * At-least-once, the most lines a kill may make the next run send again: those acknowledged since the last
     * checkpoint save ({@code ingestion.checkpoint.interval-ms}, 1 s, at the pace) and those sent but not yet
     * acknowledged (the pace again for a second, far more than the broker on loopback takes).
     */
    private static final int DUPLICATES_PER_KILL = 2 * PACE;

    @TempDir
    Path dir;

    private final String prefix = "crash-" + System.nanoTime();

    private List<String> topics() {
        return TYPES.stream().map(type -> prefix + "." + type).toList();
    }

    private String checkpointTopic() {
        return prefix + ".checkpoints";
    }

    private ApplicationProcess start(String log, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--kafka.bootstrap-servers=" + TestBroker.bootstrapServers(),
                "--ingestion.data-dir=" + dir.resolve("data"), "--ingestion.mode=once",
                "--ingestion.file.quiet-period-ms=0", "--ingestion.checkpoint.topic=" + checkpointTopic(),
                "--ingestion.group.files-topic=" + prefix + ".files", "--ingestion.status.topic=" + prefix + ".status",
                "--ingestion.dead-letter.topic=" + prefix + ".dlq"));
        if (Arrays.stream(extra).noneMatch(arg -> arg.startsWith("--ingestion.group.id="))) {
            args.add("--ingestion.group.id=" + prefix);
        }
        args.addAll(List.of(extra));
        for (String type : TYPES) {
            args.add("--ingestion.type." + type + ".topic=" + prefix + "." + type);
        }
        return ApplicationProcess.start(dir.resolve(log), Map.of(), args.toArray(String[]::new));
    }

    private void assertFilesInDoneAreFullyDelivered() throws Exception {
        Set<String> delivered = SourceLines.of(TopicReader.readToEnd(TestBroker.bootstrapServers(), topics()));
        assertThat(SourceLines.missing(SourceLines.of(dir.resolve("data"), SourceLines::inDone), delivered))
                .as("lines of files in .done/ not acknowledged").isEmpty();
    }

    @ParameterizedTest
    @Execution(ExecutionMode.SAME_THREAD)
    @ValueSource(strings = {"at-least-once", "exactly-once"})
    void stoppedWithSigtermMidRunAndRestartedEveryLineIsOnKafka(String guarantee) throws Exception {
        new TmdbDataGenerator(8).generate(dir.resolve("data"), TYPES, 12_000, 800);
        Set<String> expected = SourceLines.of(dir.resolve("data"));
        String[] settings = {"--ingestion.delivery.guarantee=" + guarantee,
            "--ingestion.exactly-once.transactional-id=" + prefix, "--ingestion.deployment-id=" + prefix};

        // stopped by progress, a quarter of the lines published: the readers take turns, so the files, all of one
        // size, end together, and a stop at the first file done came after the last line was read on a fast machine
        ManagementEndpoint management = new ManagementEndpoint();
        try (ApplicationProcess first = start("first.log", settings[0], settings[1], settings[2],
                "--ingestion.pace.records-per-second=" + PACE, "--ingestion.management.port=" + management.port())) {
            management.awaitPublished(expected.size() / 4, Duration.ofSeconds(60));
            first.terminate();
            first.awaitExit(Duration.ofSeconds(60));
            assertThat(first.output()).as("stopped mid-run").doesNotContain("files             15 done");
            assertThat(first.output()).contains("Stopped while reading").contains("the next start resumes it")
                    .contains("Ingestion summary");
        }
        assertFilesInDoneAreFullyDelivered();

        try (ApplicationProcess second = start("second.log", settings)) {
            assertThat(second.awaitExit(Duration.ofSeconds(120))).as(second.output()).isZero();
            assertThat(second.output()).contains("Resuming ");
        }
        List<ConsumerRecord<String, byte[]>> records = TopicReader.read(TestBroker.bootstrapServers(), topics(),
                expected.size(), Duration.ofSeconds(60));
        assertThat(SourceLines.missing(expected, SourceLines.of(records))).as("lines not on Kafka after the restart")
                .isEmpty();
        if (guarantee.equals("exactly-once")) {
            assertThat(records).as("read_committed after SIGTERM and a restart").hasSize(expected.size());
        }
        assertThat(SourceLines.of(dir.resolve("data"), file -> !SourceLines.inDone(file))).as("files left").isEmpty();
        assertAnnouncementsEnded(15);
    }

    /** Every file's announcement on the files topic was tombstoned once the file was done. */
    private void assertAnnouncementsEnded(int files) {
        Map<String, byte[]> lastByKey = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : TopicReader.readToEnd(TestBroker.bootstrapServers(),
                List.of(prefix + ".files"))) {
            if (record.key() != null && record.key().startsWith(prefix + "|")) {
                lastByKey.put(record.key(), record.value());
            }
        }
        assertThat(lastByKey).as("the files announced").hasSize(files);
        assertThat(lastByKey.entrySet()).as("announcements whose last record is not a tombstone")
                .filteredOn(last -> last.getValue() != null).isEmpty();
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void killedWithSigkillAtSeveralPointsEachRestartResumesAfterTheCheckpointsAndOnlyInFlightLinesAreSentTwice()
            throws Exception {
        List<ConsumerRecord<String, byte[]>> records = killThreeTimesThenFinish("at-least-once");
        int duplicates = duplicates(records);
        assertThat(duplicates).as("only what was in flight at each kill is sent twice, not whole files")
                .isBetween(0, 3 * DUPLICATES_PER_KILL);
        Map<String, byte[]> valueByLine = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            String line = TopicReader.header(record, "source_file") + ":" + TopicReader.header(record, "source_line");
            byte[] first = valueByLine.putIfAbsent(line, record.value());
            if (first != null) {
                assertThat(record.value()).as("a line sent twice is sent byte for byte the same: " + line)
                        .isEqualTo(first);
            }
        }
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void inExactlyOnceModeAReadCommittedConsumerSeesEveryLineOnceAcrossThreeKills() throws Exception {
        List<ConsumerRecord<String, byte[]>> records = killThreeTimesThenFinish("exactly-once");
        assertThat(duplicates(records)).as("duplicates seen by read_committed").isZero();
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void aSecondInstanceWithTheSameTransactionalIdFencesTheFirstAndNoLineIsSeenTwice() throws Exception {
        new TmdbDataGenerator(10).generate(dir.resolve("data"), TYPES, 9_000, 900);
        Set<String> expected = SourceLines.of(dir.resolve("data"));
        ManagementEndpoint management = new ManagementEndpoint();
        // paced so that the zombie is still sending when its successor, started after 2000 records, has joined: 14 s
        String[] settings = {"--ingestion.pace.records-per-second=500", "--ingestion.delivery.guarantee=exactly-once",
            "--ingestion.exactly-once.transactional-id=" + prefix, "--ingestion.shutdown.grace-period-ms=3000"};
        try (ApplicationProcess zombie = start("zombie.log", settings[0], settings[1], settings[2], settings[3],
                "--ingestion.management.port=" + management.port(), "--ingestion.instance-id=zombie")) {
            management.awaitPublished(2000, Duration.ofSeconds(60));
            // outside the zombie's group (a copy of the deployment started with another group id, say), so the group
            // does not share the work between them: only the transactional ids keep them apart
            try (ApplicationProcess successor = start("successor.log", settings[1], settings[2],
                    "--ingestion.group.id=" + prefix + "-other", "--ingestion.instance-id=successor")) {
                assertThat(zombie.awaitExit(Duration.ofSeconds(60))).as(zombie.output()).isEqualTo(1);
                assertThat(zombie.output()).contains("Another instance took over the transactional id " + prefix);
                assertThat(successor.awaitExit(Duration.ofSeconds(120))).as(successor.output()).isZero();
            }
        }
        List<ConsumerRecord<String, byte[]>> records = TopicReader.read(TestBroker.bootstrapServers(), topics(),
                expected.size(), Duration.ofSeconds(60));
        assertThat(SourceLines.missing(expected, SourceLines.of(records))).as("lines not on Kafka").isEmpty();
        assertThat(records).as("records seen by read_committed").hasSize(expected.size());
    }

    /** The index of the last run whose log names the file, -1 when none does. */
    private static int lastRunMentioning(List<String> runs, String file) {
        for (int run = runs.size() - 1; run >= 0; run--) {
            if (runs.get(run).contains(" " + file + " ") || runs.get(run).contains(" " + file + ":")) {
                return run;
            }
        }
        return -1;
    }

    private static int duplicates(List<ConsumerRecord<String, byte[]>> records) {
        return records.size() - SourceLines.of(records).size();
    }

    /**
     * Kills the application with SIGKILL at three points of a run, restarts it to the end; returns the topics. Part
     * of the files are compressed, one of them cut short: its complete lines are published and it goes to .error/.
     */
    private List<ConsumerRecord<String, byte[]>> killThreeTimesThenFinish(String guarantee) throws Exception {
        new TmdbDataGenerator(9).generate(dir.resolve("data"), TYPES, 18_000, 1200);
        CompressedFiles.Made compressed = CompressedFiles.compress(dir.resolve("data"), 0.6);
        assertThat(compressed.gzip()).isNotEmpty();
        assertThat(compressed.gzipMembers()).isNotEmpty();
        assertThat(compressed.zstd()).isNotEmpty();
        assertThat(compressed.plain()).isNotEmpty();
        Set<String> expected = SourceLines.of(dir.resolve("data"));
        String truncated = dir.resolve("data").relativize(compressed.truncated()).toString();
        long truncatedLines = CompressedFiles.lines(compressed.truncated());
        assertThat(truncatedLines).as("the cut file has complete lines before the cut").isPositive();
        List<String> runs = new ArrayList<>();
        String[] settings = {"--ingestion.pace.records-per-second=" + PACE, "--ingestion.delivery.guarantee=" + guarantee,
            "--ingestion.exactly-once.transactional-id=" + prefix};
        // what the run after kill k sent twice shows on the topics once that run is over (killed or finished)
        List<Integer> sentTwiceBecauseOfEachKill = new ArrayList<>();
        int duplicatesBefore = 0;
        for (int kill = 1; kill <= 3; kill++) {
            ManagementEndpoint management = new ManagementEndpoint();
            // the checkpoint topic does not exist before the first run creates it
            int checkpointsBefore = kill == 1 ? 0 : TopicReader.readToEnd(TestBroker.bootstrapServers(),
                    List.of(checkpointTopic())).size();
            try (ApplicationProcess run = start("run-" + kill + ".log", settings[0], settings[1], settings[2],
                    "--ingestion.management.port=" + management.port())) {
                management.awaitPublished(1500L + 500L * kill, Duration.ofSeconds(60));
                // killed once this run saved a checkpoint, so that the next one has something of it to resume after
                TopicReader.awaitCount(TestBroker.bootstrapServers(), checkpointTopic(), checkpointsBefore + 1,
                        Duration.ofSeconds(60));
                run.close();
                run.awaitExit(Duration.ofSeconds(30));
                runs.add(run.output());
                if (kill > 1) {
                    assertThat(run.output()).as("restart " + kill).contains("Resuming ");
                }
            }
            assertFilesInDoneAreFullyDelivered();
            if (kill > 1) {
                int duplicates = duplicates(TopicReader.readToEnd(TestBroker.bootstrapServers(), topics()));
                sentTwiceBecauseOfEachKill.add(duplicates - duplicatesBefore);
                duplicatesBefore = duplicates;
            }
        }
        try (ApplicationProcess last = start("last.log", settings[1], settings[2])) {
            int exit = last.awaitExit(Duration.ofSeconds(120));
            assertThat(exit).as("1 when the cut file failed in this run: " + last.output())
                    .isEqualTo(last.output().contains("Failed " + truncated) ? 1 : 0);
            assertThat(last.output()).containsPattern("after a restart +[0-9]+ lines sent again");
            runs.add(last.output());
            assertThat(last.output()).as("the summary counts compressed bytes")
                    .containsPattern("(gzip|zstd) files +[0-9.]+ MB read as [0-9.]+ MB of lines");
        }
        String logs = String.join("", runs);
        assertThat(logs).as("a compressed file resumed mid-file").contains("of its decompressed content");
        Path truncatedFailed = compressed.truncated().resolveSibling(".error")
                .resolve(compressed.truncated().getFileName());
        assertThat(truncatedFailed).as("the cut file is set aside").exists();
        Pattern failedLine = Pattern.compile("Failed " + Pattern.quote(truncated) + ": .*reading failed after line "
                + truncatedLines + ": the gzip data is damaged at compressed byte [0-9]+: the data ends inside member 1");
        if (!failedLine.matcher(logs).find()) {
            // SIGKILL between the move to .error/ and the line saying so: the runs after it no longer see the file
            int lastToSeeIt = lastRunMentioning(runs, truncated);
            assertThat(lastToSeeIt).as("the cut file's failure is logged, unless a kill cut the line off: " + logs)
                    .isBetween(0, runs.size() - 2);
            assertThat(runs.get(lastToSeeIt)).contains("Reading " + truncated + " failed after line " + truncatedLines
                    + ": the gzip data is damaged");
        }

        List<ConsumerRecord<String, byte[]>> records = TopicReader.read(TestBroker.bootstrapServers(), topics(),
                expected.size(), Duration.ofSeconds(60));
        sentTwiceBecauseOfEachKill.add(duplicates(records) - duplicatesBefore);
        assertThat(SourceLines.missing(expected, SourceLines.of(records))).as("lines not on Kafka after three kills")
                .isEmpty();
        System.out.printf("kill -9 x3, %s: %d lines, %d records on Kafka (read_committed), lines sent twice because "
                + "of each kill %s (at most %d each), %d in all%n", guarantee, expected.size(), records.size(),
                sentTwiceBecauseOfEachKill, DUPLICATES_PER_KILL, records.size() - expected.size());
        assertThat(sentTwiceBecauseOfEachKill).as("lines sent twice because of each kill").hasSize(3)
                .allSatisfy(sentTwice -> assertThat(sentTwice)
                        .isBetween(0, guarantee.equals("exactly-once") ? 0 : DUPLICATES_PER_KILL));
        return records;
    }

}
