package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.checkpoint.FileIdentity;
import tmdb.ingestion.file.TrackedFile.Step;

import static org.assertj.core.api.Assertions.assertThat;

class TrackedFileTest {

    private static final long QUIET = TimeUnit.SECONDS.toNanos(5);
    private static final String NAME = "movie/new/a.jsonl";

    @TempDir
    Path dir;

    private Path path;
    private FileChannel channel;
    private TrackedFile file;
    private long now = 1_000_000_000_000L;

    @BeforeEach
    void open() throws IOException {
        path = dir.resolve("a.jsonl");
        Files.writeString(path, lines(5));
        channel = FileChannel.open(path, StandardOpenOption.READ);
        file = new TrackedFile(NAME, "movie", "new", path, channel, "key", 0);
    }

    @AfterEach
    void close() throws IOException {
        channel.close();
    }

    /** {@code n} lines of 100 bytes each, newline included. */
    private static String lines(int n) {
        return ("x".repeat(99) + "\n").repeat(n);
    }

    /** Line n of the file: 100 bytes, newline included. */
    private static SourceLine line(long number) {
        byte[] bytes = "x".repeat(99).getBytes(StandardCharsets.UTF_8);
        return new SourceLine(number, bytes, bytes.length, (number - 1) * 100, number * 100);
    }

    /** Reads the file from where it stopped, admitting every line; the last line counts only when the file is quiet. */
    private void readOn(boolean quiet) throws IOException {
        JsonlLineReader reader = JsonlLineReader.from(channel, file.readOffset(), file.linesRead(), 1 << 20,
                () -> false, () -> quiet);
        assertThat(file.startReading(reader)).isTrue();
        reader.forEachRemaining(file::admitted);
        file.readingEnded(reader, channel.size());
    }

    private FileObservation inPlace(long modifiedAgoNanos) throws IOException {
        return new FileObservation(channel.size(), true, modifiedAgoNanos);
    }

    private void resolveAll(long from, long to) {
        for (long number = from; number <= to; number++) {
            file.published(number);
        }
    }

    @Test
    void settlesOnlyOnceReadToTheEndEveryRecordResolvedAndTheFileQuiet() throws IOException {
        assertThat(file.nextStep(inPlace(QUIET * 2), QUIET, now)).as("not read yet").isEqualTo(Step.WAIT);
        readOn(true);
        assertThat(file.state()).isEqualTo(FileState.CAUGHT_UP);
        assertThat(file.nextStep(inPlace(QUIET * 2), QUIET, now)).as("records outstanding").isEqualTo(Step.WAIT);

        resolveAll(1, 4);
        file.deadLettered(5);
        assertThat(file.nextStep(inPlace(QUIET - 1), QUIET, now)).as("modified too recently").isEqualTo(Step.WAIT);
        assertThat(file.nextStep(inPlace(QUIET), QUIET, now)).isEqualTo(Step.SETTLE_DONE);
        assertThat(file.summary()).isEqualTo("5 lines: 4 published, 1 dead-lettered, 0 blank skipped");
    }

    @Test
    void aFileThatGrewAfterItsEndWasReachedIsReadOnNotSettled() throws IOException {
        readOn(true);
        resolveAll(1, 5);
        Files.writeString(path, lines(2), StandardOpenOption.APPEND);

        assertThat(file.nextStep(inPlace(0), QUIET, now)).as("in its folder: read on").isEqualTo(Step.READ_HERE);
        FileObservation replaced = new FileObservation(channel.size(), false, 0);
        assertThat(file.nextStep(replaced, QUIET, now)).as("its path holds another file: read on here")
                .isEqualTo(Step.READ_HERE);

        readOn(true);
        resolveAll(6, 7);
        assertThat(file.nextStep(inPlace(QUIET), QUIET, now)).isEqualTo(Step.SETTLE_DONE);
        assertThat(file.completed().offset()).isEqualTo(700);
    }

    @Test
    void aHalfWrittenLastLineWaitsForItsRestOrForQuietAndIsNeverReadInHalves() throws IOException {
        Files.writeString(path, "{\"movie_id\": 1, \"ti", StandardOpenOption.APPEND);
        readOn(false);
        resolveAll(1, 5);
        assertThat(file.readOffset()).as("the half line is not read").isEqualTo(500);
        assertThat(file.nextStep(inPlace(0), QUIET, now)).as("nothing new since the last reading")
                .isEqualTo(Step.WAIT);

        Files.writeString(path, "tle\": \"x\"}\n", StandardOpenOption.APPEND);
        assertThat(file.nextStep(inPlace(0), QUIET, now)).as("the rest arrived").isEqualTo(Step.READ_HERE);
        readOn(false);
        assertThat(file.linesRead()).isEqualTo(6);
        assertThat(file.readOffset()).isEqualTo(channel.size());
    }

    @Test
    void aQuietFileEndingWithoutLineEndingHasItsLastLineReadThenSettles() throws IOException {
        Files.writeString(path, "{\"movie_id\": 1}", StandardOpenOption.APPEND);
        readOn(false);
        resolveAll(1, 5);
        assertThat(file.nextStep(inPlace(QUIET), QUIET, now)).as("quiet: its last line is complete")
                .isEqualTo(Step.READ_HERE);

        readOn(true);
        file.published(6);
        assertThat(file.nextStep(inPlace(QUIET), QUIET, now)).isEqualTo(Step.SETTLE_DONE);
    }

    @Test
    void quietIsJudgedByTheObservedSizeWhenTheModificationTimeLags() throws IOException {
        readOn(true);
        resolveAll(1, 5);
        assertThat(file.nextStep(inPlace(QUIET), QUIET, now)).isEqualTo(Step.SETTLE_DONE);
        Files.writeString(path, lines(1), StandardOpenOption.APPEND);
        FileObservation laggingTime = inPlace(QUIET * 10);
        assertThat(file.nextStep(laggingTime, QUIET, now)).as("grew: read on").isEqualTo(Step.READ_HERE);
        readOn(true);
        file.published(6);

        assertThat(file.nextStep(laggingTime, QUIET, now + QUIET - 1)).as("seen growing less than a quiet period ago")
                .isEqualTo(Step.WAIT);
        assertThat(file.nextStep(laggingTime, QUIET, now + QUIET)).isEqualTo(Step.SETTLE_DONE);
    }

    @Test
    void aRecordNotDeliveredFailsTheFileAndHoldsItsCheckpointBack() throws IOException {
        readOn(true);
        file.failed();
        resolveAll(2, 5);

        assertThat(file.nextStep(inPlace(0), QUIET, now)).as("no need to wait for quiet").isEqualTo(Step.SETTLE_FAILED);
        assertThat(file.summary()).contains("1 NOT delivered");
        assertThat(file.progress().line()).as("never past the line not delivered").isZero();
        assertThat(file.progress().pending()).containsExactly(1L);
    }

    @Test
    void aReadFailureSettlesAsFailedOnceTheRecordsReadBeforeAreResolved() throws IOException {
        readOn(true);
        file.readingFailed(null, "disk on fire");
        assertThat(file.state()).isEqualTo(FileState.READ_FAILED);
        assertThat(file.nextStep(inPlace(QUIET), QUIET, now)).isEqualTo(Step.WAIT);

        resolveAll(1, 5);
        assertThat(file.nextStep(inPlace(QUIET), QUIET, now)).isEqualTo(Step.SETTLE_FAILED);
        assertThat(file.summary()).contains("reading failed after line 5: disk on fire");
    }

    @Test
    void aFileThatShrankWhileReadFails() throws IOException {
        readOn(true);
        resolveAll(1, 5);
        Files.writeString(path, lines(2));

        assertThat(file.nextStep(inPlace(QUIET), QUIET, now)).isEqualTo(Step.SETTLE_FAILED);
        assertThat(file.readFailure()).contains("shrank from 500 to 200 bytes");
    }

    @Test
    void aMovedFileIsWatchedForLateLinesForAQuietPeriod() throws IOException {
        readOn(true);
        resolveAll(1, 5);
        file.settledDone(dir.resolve(".done/a.jsonl"), true, now);
        assertThat(file.state()).isEqualTo(FileState.MOVED);
        assertThat(file.moved()).isTrue();
        assertThat(file.nextStep(inPlace(0), QUIET, now + QUIET - 1)).isEqualTo(Step.WAIT);

        Files.writeString(path, lines(1), StandardOpenOption.APPEND);
        assertThat(file.nextStep(inPlace(0), QUIET, now + 1)).isEqualTo(Step.READ_HERE);
        readOn(true);
        file.published(6);
        assertThat(file.nextStep(inPlace(QUIET), QUIET, now + QUIET)).as("seen growing less than a quiet period ago")
                .isEqualTo(Step.WAIT);
        assertThat(file.nextStep(inPlace(QUIET), QUIET, now + 1 + QUIET)).as("settles again, where it lies")
                .isEqualTo(Step.SETTLE_DONE);
        file.settledDone(file.location(), true, now + 1 + QUIET);
        assertThat(file.nextStep(inPlace(QUIET), QUIET, now + 2 * QUIET)).isEqualTo(Step.WAIT);
        assertThat(file.nextStep(inPlace(QUIET), QUIET, now + 1 + 2 * QUIET)).isEqualTo(Step.END_WATCH);
    }

    @Test
    void aSettledFileCannotBeReadOnAndAStopInterruptsOnlyFilesNotSettled() throws IOException {
        readOn(true);
        resolveAll(1, 5);
        file.settledDone(path, false, now);
        JsonlLineReader reader = JsonlLineReader.from(channel, 0, 0, 1024, () -> false, () -> true);
        assertThat(file.startReading(reader)).isFalse();
        file.interrupted();
        assertThat(file.state()).isEqualTo(FileState.DONE);

        TrackedFile other = new TrackedFile("movie/new/b.jsonl", "movie", "new", path, channel, "key", 0);
        other.interrupted();
        assertThat(other.state()).isEqualTo(FileState.INTERRUPTED);
    }

    @Test
    void theCheckpointStopsBeforeTheFirstUnresolvedLineWhateverTheOrderOfAcknowledgements() throws IOException {
        readOn(true);
        file.published(2);
        file.deadLettered(3);
        assertThat(file.progressToSave()).as("line 1 is still unresolved")
                .hasValueSatisfying(progress -> assertThat(progress.line()).isZero());
        assertThat(file.progressToSave()).as("nothing moved since").isEmpty();

        file.published(1);
        Checkpoint progress = file.progressToSave().orElseThrow();
        assertThat(progress.line()).isEqualTo(3);
        assertThat(progress.offset()).as("where line 4 starts").isEqualTo(line(4).offset());
        assertThat(progress.readUpTo()).isEqualTo(5);
        assertThat(progress.pending()).containsExactly(4L, 5L);
        assertThat(progress.done()).isFalse();
        assertThat(progress.size()).as("the fingerprint covers what was read").isEqualTo(500);
        assertThat(FileIdentity.matches(progress, NAME, channel)).isTrue();

        file.published(5);
        file.published(4);
        assertThat(file.progressToSave().orElseThrow().offset()).isEqualTo(line(5).nextOffset());
    }

    @Test
    void aResumedFileSkipsTheLinesResolvedBeforeAndCarriesThePreviousKnowledgeOn() throws IOException {
        Checkpoint from = new Checkpoint(NAME, 500, FileIdentity.of(NAME, channel, 500).fingerprint(), 1,
                line(2).offset(), 4, List.of(2L, 4L), false);
        file.resumeFrom(from);
        assertThat(file.resolvedThrough()).isEqualTo(1);
        assertThat(file.readOffset()).isEqualTo(100);
        assertThat(file.resolvedBefore(2)).isFalse();
        assertThat(file.pendingBefore(2)).isTrue();
        assertThat(file.resolvedBefore(3)).isTrue();
        assertThat(file.resolvedBefore(5)).as("not read before the stop").isFalse();

        file.admitted(line(2));
        file.published(2);
        file.passed(line(3));
        Checkpoint next = file.progressToSave().orElseThrow();
        assertThat(next.line()).isEqualTo(3);
        assertThat(next.offset()).isEqualTo(line(4).offset());
        assertThat(next.readUpTo()).as("what the previous run knew still counts").isEqualTo(4);
        assertThat(next.pending()).containsExactly(4L);
        assertThat(next.resolvedBefore(3)).isFalse();
        assertThat(next.size()).as("covers what the previous run had read").isEqualTo(500);
    }

    @Test
    void theCheckpointOfATransactionCountsItsLinesAsResolved() throws IOException {
        readOn(true);
        Checkpoint committed = file.progressAssuming(Set.of(1L, 3L));
        assertThat(committed.line()).isEqualTo(1);
        assertThat(committed.offset()).isEqualTo(line(2).offset());
        assertThat(committed.pending()).containsExactly(2L, 4L, 5L);
        assertThat(file.resolvedThrough()).as("nothing is resolved before the commit").isZero();
    }

    @Test
    void afterAFailureReadingResumesAfterTheLastLineAdmittedNotAfterTheLastLineGiven() throws IOException {
        JsonlLineReader reader = JsonlLineReader.from(channel, 0, 0, 1024, () -> false, () -> true);
        file.startReading(reader);
        file.admitted(reader.next());
        file.admitted(reader.next());
        reader.next();
        file.readingBroken(reader);

        assertThat(file.readOffset()).isEqualTo(200);
        assertThat(file.linesRead()).isEqualTo(2);
        assertThat(file.state()).isEqualTo(FileState.CAUGHT_UP);
    }
}
