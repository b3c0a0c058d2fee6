package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.checkpoint.FileIdentity;
import tmdb.ingestion.content.Content;
import tmdb.ingestion.content.LocalFileContent;

import static org.assertj.core.api.Assertions.assertThat;

/** A file's account: lines resolved out of order, and the checkpoints that follow from them. */
class FileAccountTest {

    private static final String NAME = "movie/new/a.jsonl";

    @TempDir
    Path dir;

    private Content channel;
    private final FileAccount account = new FileAccount();

    @BeforeEach
    void open() throws IOException {
        Path path = dir.resolve("a.jsonl");
        Files.writeString(path, ("x".repeat(99) + "\n").repeat(5));
        channel = LocalFileContent.open(path, StandardOpenOption.READ);
    }

    @AfterEach
    void close() throws IOException {
        channel.close();
    }

    /** Line n of the file: 100 bytes, newline included. */
    private static SourceLine line(long number) {
        byte[] bytes = "x".repeat(99).getBytes(StandardCharsets.UTF_8);
        return new SourceLine(number, bytes, bytes.length, (number - 1) * 100, number * 100);
    }

    private void admitAll() {
        AdmittedLines lines = new AdmittedLines(5, null);
        for (long number = 1; number <= 5; number++) {
            lines.admitted(line(number));
        }
        account.admitted(lines);
        account.readEnded(new ReadEnd(5, 500, 0, 500, false, null));
    }

    private void resolve(long... published) {
        FileOutcomes outcomes = new FileOutcomes();
        for (long number : published) {
            outcomes.published(number);
        }
        account.resolve(outcomes);
    }

    @Test
    void theCheckpointStopsBeforeTheFirstUnresolvedLineWhateverTheOrderOfAcknowledgements() throws IOException {
        admitAll();
        resolve(2);
        FileOutcomes deadLetter = new FileOutcomes();
        deadLetter.deadLettered(3);
        account.resolve(deadLetter);
        assertThat(account.progressToSave(NAME, channel)).as("line 1 is still unresolved")
                .hasValueSatisfying(progress -> assertThat(progress.line()).isZero());
        assertThat(account.progressToSave(NAME, channel)).as("nothing moved since").isEmpty();

        resolve(1);
        Checkpoint progress = account.progressToSave(NAME, channel).orElseThrow();
        assertThat(progress.line()).isEqualTo(3);
        assertThat(progress.offset()).as("where line 4 starts").isEqualTo(line(4).offset());
        assertThat(progress.readUpTo()).isEqualTo(5);
        assertThat(progress.pending()).containsExactly(4L, 5L);
        assertThat(progress.done()).isFalse();
        assertThat(progress.size()).as("the fingerprint covers what was read").isEqualTo(500);
        assertThat(progress.inconsistency()).isEmpty();
        assertThat(FileIdentity.matches(progress, NAME, channel)).isTrue();

        resolve(5, 4);
        assertThat(account.progressToSave(NAME, channel).orElseThrow().offset()).isEqualTo(line(5).nextOffset());
        assertThat(account.outstanding()).isZero();
        assertThat(account.summary()).isEqualTo("5 lines: 4 published, 1 dead-lettered, 0 blank skipped");
    }

    @Test
    void aRecordNotDeliveredHoldsTheCheckpointBackForGood() throws IOException {
        admitAll();
        FileOutcomes outcomes = new FileOutcomes();
        outcomes.notDelivered();
        account.resolve(outcomes);
        resolve(2, 3, 4, 5);

        assertThat(account.outstanding()).isZero();
        assertThat(account.anyNotDelivered()).isTrue();
        assertThat(account.summary()).contains("1 NOT delivered");
        assertThat(account.progress(NAME, channel).line()).as("never past the line not delivered").isZero();
        assertThat(account.progress(NAME, channel).pending()).containsExactly(1L);
    }

    @Test
    void aResumedFileSkipsTheLinesResolvedBeforeAndCarriesThePreviousKnowledgeOn() throws IOException {
        Checkpoint from = new Checkpoint(NAME, 500, FileIdentity.of(NAME, channel, 500).fingerprint(), 1,
                line(2).offset(), 4, List.of(2L, 4L), false);
        account.resumeFrom(from);
        assertThat(account.resolvedThrough()).isEqualTo(1);
        assertThat(account.readOffset()).isEqualTo(100);
        assertThat(from.resolvedBefore(2)).isFalse();
        assertThat(from.pendingBefore(2)).isTrue();
        assertThat(from.resolvedBefore(3)).isTrue();
        assertThat(from.resolvedBefore(5)).as("not read before the stop").isFalse();

        AdmittedLines chunk = new AdmittedLines(2, null);
        chunk.admitted(line(2));
        chunk.passed(line(3));
        account.admitted(chunk);
        resolve(2);
        Checkpoint next = account.progressToSave(NAME, channel).orElseThrow();
        assertThat(next.line()).isEqualTo(3);
        assertThat(next.offset()).isEqualTo(line(4).offset());
        assertThat(next.readUpTo()).as("what the previous run knew still counts").isEqualTo(4);
        assertThat(next.pending()).containsExactly(4L);
        assertThat(next.resolvedBefore(3)).isFalse();
        assertThat(next.size()).as("covers what the previous run had read").isEqualTo(500);
    }

    @Test
    void theCheckpointOfATransactionCountsItsLinesAsResolved() throws IOException {
        admitAll();
        Checkpoint committed = account.progressAssuming(NAME, channel, Set.of(1L, 3L));
        assertThat(committed.line()).isEqualTo(1);
        assertThat(committed.offset()).isEqualTo(line(2).offset());
        assertThat(committed.pending()).containsExactly(2L, 4L, 5L);
        assertThat(account.resolvedThrough()).as("nothing is resolved before the commit").isZero();
    }

    @Test
    void afterABrokenReadReadingResumesAfterTheLastLineAdmittedNotAfterTheLastLineTheReaderGave() {
        AdmittedLines chunk = new AdmittedLines(2, null);
        chunk.admitted(line(1));
        chunk.admitted(line(2));
        account.admitted(chunk);

        account.readEnded(ReadEnd.broken(0));

        assertThat(account.readOffset()).isEqualTo(200);
        assertThat(account.linesRead()).isEqualTo(2);
    }

    @Test
    void aStoppedReaderResumesAfterTheLastLineAdmittedToo() {
        AdmittedLines chunk = new AdmittedLines(1, null);
        chunk.admitted(line(1));
        account.admitted(chunk);

        account.readEnded(new ReadEnd(3, 300, 0, 500, true, null));

        assertThat(account.readOffset()).isEqualTo(100);
        assertThat(account.linesRead()).isEqualTo(1);
    }
}
