package tmdb.ingestion.file;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.checkpoint.FileIdentity;
import tmdb.ingestion.content.ObjectDisposal;
import tmdb.ingestion.content.LocalFileContent;

import static org.assertj.core.api.Assertions.assertThat;
import static tmdb.ingestion.file.LifecycleHarness.QUIET;

/**
 * The file lifecycle one event at a time, in the cases that used to go wrong: repeated claims and read requests,
 * claims of what no folder holds, a reading route that refuses a file, modification times and wall clocks that lie,
 * content replaced in place, checkpoints that do not match, late lines of a moved file at a stop, hand-overs.
 */
class FileLifecycleTest {

    private LifecycleHarness harness;

    private LifecycleHarness harness(boolean exactlyOnce) throws Exception {
        harness = new LifecycleHarness(exactlyOnce);
        return harness;
    }

    @AfterEach
    void remove() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private static void listAndClaim(LifecycleHarness harness) throws Exception {
        harness.list();
        harness.deliverClaims();
    }

    /** The files written are claimed, and a quiet period passes (a compressed file is read only then). */
    private static void claimOnceQuiet(LifecycleHarness harness) throws Exception {
        listAndClaim(harness);
        harness.clock.advance(QUIET.plusMillis(1));
        harness.tick();
    }

    /** A file of four lines in partition 0, read to its end, its records in flight. */
    private LifecycleHarness readingAFileOfFourLines(boolean exactlyOnce) throws Exception {
        LifecycleHarness h = harness(exactlyOnce);
        h.write("movie/old", 4);
        listAndClaim(h);
        h.readAll();
        return h;
    }

    @Test
    void aFileThatEndsHasItsAnnouncementEndedUnlessItsPathWasAnnouncedAgainMeanwhile() throws Exception {
        LifecycleHarness h = harness(false);
        Path done = h.write("movie/new", 2);
        Path failed = h.write("movie/old", 2);
        listAndClaim(h);
        h.readAll();
        h.resolve(2, false);
        h.resolve(2, true);
        assertThat(h.current.announcementsEnded).as("nothing ended yet").isEmpty();
        h.clock.advance(QUIET.plusMillis(1));
        h.tick();
        assertThat(done.resolveSibling(".done").resolve(done.getFileName())).exists();
        assertThat(h.current.announcementsEnded).as("failed at once; done once its watch ends")
                .containsExactly("movie/old/" + failed.getFileName());

        h.writeAt(done, 1);
        claimOnceQuiet(h);
        assertThat(h.current.announcementsEnded).as("the watched file ended after its path was announced again")
                .containsExactly("movie/old/" + failed.getFileName());

        h.finishAndCheckEveryLinePublished();
        assertThat(h.current.announcementsEnded).as("the new file's announcement ends with it")
                .containsExactly("movie/old/" + failed.getFileName(), "movie/new/" + done.getFileName());
    }

    @Test
    void aTombstoneThatCameAfterTheAnnouncementOfAFileHeldHereHasTheFileAnnouncedAgain() throws Exception {
        LifecycleHarness h = harness(false);
        Path file = h.write("movie/new", 2);
        String identity = "movie/new/" + file.getFileName();
        listAndClaim(h);

        h.current.lifecycle.tombstoned("movie/new/elsewhere.jsonl", 0);
        h.current.lifecycle.tombstoned(identity, 1);
        h.current.run();
        assertThat(h.current.announcementsRenewed).as("a path held nowhere here, a partition not owned").isEmpty();

        h.current.lifecycle.tombstoned(identity, 0);
        h.current.run();
        assertThat(h.current.announcementsRenewed).as("an earlier file's tombstone after its announcement")
                .containsExactly(identity);

        h.finishAndCheckEveryLinePublished();
        h.current.lifecycle.tombstoned(identity, 0);
        h.current.run();
        assertThat(h.current.announcementsRenewed).as("its own tombstone, once it ended").containsExactly(identity);
        assertThat(h.current.announcementsEnded).containsExactly(identity);
    }

    @Test
    void aFileIsOpenedOnceWhateverTheAnnouncementsRepeatAndHasOneReaderAtATime() throws Exception {
        LifecycleHarness h = harness(false);
        Path file = h.write("movie/new", 4);
        listAndClaim(h);
        h.current.lifecycle.claim(h.current.claimOf("movie/new/" + file.getFileName(), "movie", "new"));
        h.current.run();
        assertThat(h.current.grants).hasSize(1);

        h.append(file, 2);
        for (int tick = 0; tick < 5; tick++) {
            h.clock.advance(QUIET);
            h.tick();
        }
        assertThat(h.current.grants).as("no second read request while the file is read").hasSize(1);

        h.readAll();
        long readUpTo = Files.size(file);
        h.append(file, 1);
        h.tick();
        assertThat(h.current.grants).as("what was appended after the reader's end is read by a new one").hasSize(1);
        assertThat(h.current.grants.get(0).offset()).isEqualTo(readUpTo);
        h.finishAndCheckEveryLinePublished();
    }

    @Test
    void claimsOfWhatNoFolderHoldsReadAndMoveNothingAndKeepNoRunWaiting() throws Exception {
        LifecycleHarness h = harness(false);
        for (int kind = 0; kind < 6; kind++) {
            h.forgedClaim(kind);
        }
        h.tick();

        assertThat(h.current.grants).isEmpty();
        assertThat(h.current.lifecycle.whatIsLeft()).as("a claim refused is not waited for").isEmpty();
        h.checkSafety();
    }

    @Test
    void aFileTheReadingRouteDoesNotTakeIsOfferedAgainLater() throws Exception {
        LifecycleHarness h = harness(false);
        h.write("movie/old", 2);
        h.current.refuseGrants = true;
        listAndClaim(h);
        h.tick();
        assertThat(h.current.grants).isEmpty();
        assertThat(h.current.lifecycle.whatIsLeft()).as("the file still waits for a reader").singleElement()
                .asString().startsWith("files to settle: [movie/old/").contains("(READ_REQUESTED)");

        h.current.refuseGrants = false;
        h.tick();
        assertThat(h.current.grants).hasSize(1);
        h.finishAndCheckEveryLinePublished();
    }

    @Test
    void aCompressedFileIsReadOnlyOnceQuietWholeAndSettles() throws Exception {
        LifecycleHarness h = harness(false);
        Path file = h.writeGzip("movie/new", 2);
        listAndClaim(h);
        h.tick();
        assertThat(h.current.grants).as("a compressed file may still be being written").isEmpty();
        h.appendGzipMember(file, 3);
        h.clock.advance(QUIET.minusMillis(1));
        h.tick();
        assertThat(h.current.grants).as("it changed less than a quiet period ago").isEmpty();

        h.clock.advance(QUIET.plusMillis(1));
        h.tick();
        assertThat(h.current.grants).singleElement().satisfies(grant -> {
            assertThat(grant.format()).isEqualTo(ContentFormat.GZIP);
            assertThat(grant.finalSize()).isEqualTo(Files.size(file));
        });
        h.readAll();
        assertThat(h.current.inFlight).hasSize(5);
        h.finishAndCheckEveryLinePublished();
        assertThat(file.resolveSibling(".done").resolve(file.getFileName())).exists();
    }

    @Test
    void aFileOpenedEmptyIsReadInTheFormatItsFirstBytesSayOnceItHasThem() throws Exception {
        LifecycleHarness h = harness(false);
        Path file = h.createEmpty("movie/new", ".jsonl.gz");
        listAndClaim(h);
        h.tick();
        assertThat(h.current.grants).as("no format without its first bytes").isEmpty();

        h.appendGzipMember(file, 3);
        h.tick();
        assertThat(h.current.grants).as("gzip: read once quiet").isEmpty();
        h.clock.advance(QUIET.plusMillis(1));
        h.tick();
        assertThat(h.current.grants).singleElement()
                .satisfies(grant -> assertThat(grant.format()).isEqualTo(ContentFormat.GZIP));
        h.finishAndCheckEveryLinePublished();

        Path small = h.createEmpty("movie/old", ".jsonl");
        listAndClaim(h);
        Files.writeString(small, "{}\n");
        h.tick();
        assertThat(h.current.grants).as("3 bytes: plain or not, it is told once quiet").isEmpty();
        h.clock.advance(QUIET.plusMillis(1));
        h.tick();
        assertThat(h.current.grants).singleElement()
                .satisfies(grant -> assertThat(grant.format()).isEqualTo(ContentFormat.PLAIN));
    }

    @Test
    void compressedDataWrittenIntoAFileTakenForAnEmptyPlainOneIsReadAsANewCompressedFile() throws Exception {
        LifecycleHarness h = harness(false);
        Path file = h.createEmpty("movie/new", ".jsonl.gz");
        claimOnceQuiet(h);
        h.readAll();
        assertThat(h.current.lifecycle.snapshot().files()).singleElement()
                .satisfies(view -> assertThat(view.state()).isEqualTo(FileState.CAUGHT_UP));

        h.appendGzipMember(file, 3);
        h.tick();
        h.clock.advance(QUIET.plusMillis(1));
        h.tick();
        assertThat(h.current.grants).singleElement()
                .satisfies(grant -> assertThat(grant.format()).isEqualTo(ContentFormat.GZIP));
        h.finishAndCheckEveryLinePublished();
        assertThat(file.resolveSibling(".done").resolve(file.getFileName())).exists();
    }

    @Test
    void aCompressedFileRewrittenWhileItIsDecompressedIsReadAgainNotFailed() throws Exception {
        LifecycleHarness h = harness(false);
        Path file = h.writeGzip("movie/new", 3000);
        claimOnceQuiet(h);
        h.readChunk();
        h.readChunk();
        assertThat(h.current.inFlight).isNotEmpty();

        h.rewriteGzip(file, 4);
        h.breakOffReader("the gzip data is damaged at compressed byte 65536: the data ends inside member 1");
        h.resolve(h.current.inFlight.size(), false);
        h.tick();
        assertThat(file.resolveSibling(".error").resolve(file.getFileName()))
                .as("the damage was met in content that was replaced: not the file's").doesNotExist();
        h.finishAndCheckEveryLinePublished();
        assertThat(file.resolveSibling(".done").resolve(file.getFileName())).exists();
    }

    @Test
    void aCompressedFileThatChangesAfterItWasReadIsReadAgainAsANewFile() throws Exception {
        LifecycleHarness h = harness(false);
        Path file = h.writeGzip("movie/new", 2);
        claimOnceQuiet(h);
        h.readAll();
        h.resolve(2, false);

        h.appendGzipMember(file, 1);
        h.tick();
        assertThat(h.current.lifecycle.snapshot().files()).as("the old account ended, a new one waits to read it")
                .singleElement().satisfies(view -> assertThat(view.state()).isEqualTo(FileState.READ_REQUESTED));
        assertThat(h.current.grants).as("once it is quiet again").isEmpty();
        h.finishAndCheckEveryLinePublished();
        assertThat(h.publishedCount("{\"movie_id\": 1}")).as("its former content was published before").isEqualTo(2);
    }

    @Test
    void aCompressedFileResumesAfterItsCheckpointWithoutPublishingACommittedLineAgain() throws Exception {
        LifecycleHarness h = harness(true);
        Path file = h.writeGzip("movie/new", 8);
        claimOnceQuiet(h);
        h.readChunk();
        h.commit();
        assertThat(h.publishedCount("{\"movie_id\": 1}")).isEqualTo(1);
        assertThat(h.publishedCount("{\"movie_id\": 8}")).isZero();

        h.restart(LifecycleHarness.Ending.CRASH, false);
        h.clock.advance(QUIET.plusMillis(1));
        h.tick();
        assertThat(h.current.grants).singleElement().satisfies(grant -> {
            assertThat(grant.linesBefore()).as("resumed after the committed chunk").isPositive();
            assertThat(grant.offset()).as("a position in the decompressed content").isGreaterThan(0);
        });
        h.finishAndCheckEveryLinePublished();
        assertThat(file.resolveSibling(".done").resolve(file.getFileName())).exists();
    }

    @Test
    void aModificationTimeInTheFutureNeitherHoldsAFileBackNorSettlesItEarly() throws Exception {
        LifecycleHarness h = harness(false);
        Path file = h.write("movie/new", 3);
        h.setModified(file, Duration.ofMinutes(10));
        listAndClaim(h);
        h.readAll();
        h.resolve(3, false);
        h.tick();
        assertThat(file).as("unchanged for less than a quiet period, as this instance saw it").exists();

        h.clock.advance(QUIET.plusMillis(1));
        h.tick();
        assertThat(file).as("settled a quiet period after it was picked up, the future time notwithstanding")
                .doesNotExist();
        assertThat(file.resolveSibling(".done").resolve(file.getFileName())).exists();
    }

    @Test
    void aWallClockSteppedForwardDoesNotSettleAFileEarly() throws Exception {
        LifecycleHarness h = harness(false);
        Path file = h.write("movie/new", 2);
        listAndClaim(h);
        h.readAll();
        h.resolve(2, false);
        h.clock.stepWall(Duration.ofHours(1));
        h.clock.advance(QUIET.minusMillis(100));
        h.tick();
        assertThat(file).as("its modification time looks an hour old; it was watched for less than a quiet period")
                .exists();

        h.clock.advance(Duration.ofMillis(100));
        h.tick();
        assertThat(file).doesNotExist();
    }

    @Test
    void aFileRewrittenInPlaceIsReadAgainFromItsStartAsANewFile() throws Exception {
        LifecycleHarness h = harness(true);
        Path file = h.write("movie/new", 3);
        listAndClaim(h);
        h.readAll();
        h.commit();
        List<String> before = LifecycleHarness.linesOf(file);

        h.rewrite(file, 2);
        h.tick();

        assertThat(h.current.grants).hasSize(1);
        assertThat(h.current.grants.get(0).offset()).as("the new content from its start").isZero();
        h.finishAndCheckEveryLinePublished();
        before.forEach(line -> assertThat(h.publishedCount(line)).as("published from the former content: " + line)
                .isEqualTo(1));
    }

    @Test
    void aCheckpointTakenBeforeTheReaderEndsNamesTheContentItsLinesWereReadFrom() throws Exception {
        LifecycleHarness h = harness(true);
        Path file = h.write("movie/new", 0);
        listAndClaim(h);
        h.append(file, 3);
        h.readChunk();
        h.rewrite(file, 3);
        h.commit();

        h.restart(LifecycleHarness.Ending.STOP, true);
        h.checkSafety();
        h.finishAndCheckEveryLinePublished();
    }

    @Test
    void aCheckpointIsUsedOnlyWhenItMatchesTheFile() throws Exception {
        LifecycleHarness h = harness(false);
        Path file = h.write("movie/new", 3);
        String identity = "movie/new/" + file.getFileName();
        long lineLength = "{\"movie_id\": 1}\n".length();
        h.durable.save(new Checkpoint(identity, 0, "0".repeat(32), 1, lineLength, 1, List.of(), false));
        listAndClaim(h);
        assertThat(h.current.grants.get(0).offset()).as("one that covers 0 bytes and skips a line").isZero();

        h.restart(LifecycleHarness.Ending.CRASH, false);
        h.durable.save(new Checkpoint(identity, lineLength, "f".repeat(32), 1, lineLength, 1, List.of(), false));
        h.current.run();
        assertThat(h.current.grants.get(0).offset()).as("one of other bytes").isZero();

        h.restart(LifecycleHarness.Ending.CRASH, false);
        try (var channel = LocalFileContent.open(file)) {
            h.durable.save(new Checkpoint(identity, lineLength, FileIdentity.of(identity, channel, lineLength)
                    .fingerprint(), 1, lineLength, 1, List.of(), false));
        }
        h.restart(LifecycleHarness.Ending.CRASH, false);
        assertThat(h.current.grants.get(0).offset()).as("one of this file").isEqualTo(lineLength);
        assertThat(h.current.grants.get(0).linesBefore()).isEqualTo(1);
    }

    /**
     * A file of three lines read, published and moved to {@code .done/}, where its writer then appends two lines: the
     * lifecycle has a reader queued for them. Returns the file's path in its folder.
     */
    private static Path movedWithTwoLateLines(LifecycleHarness h) throws Exception {
        Path file = h.write("movie/new", 3);
        listAndClaim(h);
        h.readAll();
        h.resolve(3, false);
        h.clock.advance(QUIET.plusMillis(1));
        h.tick();
        Path moved = doneOf(file);
        assertThat(moved).exists();
        h.append(moved, 2);
        h.tick();
        return file;
    }

    /** {@link #movedWithTwoLateLines}, then its late lines read and resolved: the first delivered, the second not. */
    private static Path movedWithALateLineNotDelivered(LifecycleHarness h) throws Exception {
        Path file = movedWithTwoLateLines(h);
        h.readAll();
        h.resolve(1, false);
        h.resolve(1, true);
        return file;
    }

    private static Path doneOf(Path file) {
        return file.resolveSibling(Settling.DONE_FOLDER).resolve(file.getFileName());
    }

    @Test
    void aMovedFileThatGotLateLinesIsPutBackIntoItsFolderAtAStopAndResumedAfterWhatWasRead() throws Exception {
        LifecycleHarness h = harness(false);
        Path file = movedWithTwoLateLines(h);
        Path moved = doneOf(file);
        assertThat(h.current.grants).as("the late lines are read").hasSize(1);
        h.restart(LifecycleHarness.Ending.STOP, false);

        assertThat(file).as("put back, its late lines not resolved").exists();
        assertThat(moved).doesNotExist();
        assertThat(h.durable.find("movie/new/" + file.getFileName())).hasValueSatisfying(checkpoint ->
                assertThat(checkpoint.line()).as("resumes after the lines resolved before the move").isEqualTo(3));
        h.finishAndCheckEveryLinePublished();
    }

    @Test
    void aMovedFileWhoseLateLinesWereNotDeliveredGoesFromDoneToError() throws Exception {
        LifecycleHarness h = harness(false);
        Path file = movedWithALateLineNotDelivered(h);
        Path moved = doneOf(file);
        h.clock.advance(QUIET.plusMillis(1));
        h.tick();

        Path failed = file.resolveSibling(".error").resolve(file.getFileName());
        assertThat(moved).as("what stays in .done/ was published whole").doesNotExist();
        assertThat(failed).exists();
        assertThat(LifecycleHarness.linesOf(failed)).hasSize(5);
        assertThat(h.current.lifecycle.snapshot().files()).isEmpty();
        h.finishAndCheckEveryLinePublished();
    }

    @Test
    void aMovedFileWhoseLateLinesFailedStaysInDoneWhenItCannotGoToErrorAndResumesAfterItsResolvedLinesWhenPutBack()
            throws Exception {
        LifecycleHarness h = harness(false);
        h.refuseMovesInto(Settling.ERROR_FOLDER);
        Path file = movedWithALateLineNotDelivered(h);
        Path moved = doneOf(file);
        h.clock.advance(QUIET.plusMillis(1));
        h.tick();
        h.tick();

        assertThat(moved).as("it could not go to .error/").exists();
        assertThat(h.current.lifecycle.snapshot().files()).isEmpty();
        assertThat(h.durable.find("movie/new/" + file.getFileName())).hasValueSatisfying(checkpoint ->
                assertThat(checkpoint.line()).as("the late line delivered is resolved").isEqualTo(4));

        h.refuseMovesInto(null);
        Files.move(moved, file);
        listAndClaim(h);
        assertThat(h.current.grants).hasSize(1);
        assertThat(h.current.grants.get(0).linesBefore()).as("resumed after the lines resolved").isEqualTo(4);
        h.finishAndCheckEveryLinePublished();
    }

    @Test
    void aMovedFileWhoseLateLineWasNotDeliveredWhenTheInstanceStopsIsPutBackAndItsLineSentAgain() throws Exception {
        LifecycleHarness h = harness(false);
        Path file = movedWithALateLineNotDelivered(h);
        Path moved = doneOf(file);

        h.restart(LifecycleHarness.Ending.STOP, false);

        assertThat(file).as("put back, its last line not delivered").exists();
        assertThat(moved).doesNotExist();
        assertThat(h.durable.find("movie/new/" + file.getFileName())).hasValueSatisfying(checkpoint ->
                assertThat(checkpoint.line()).as("resumes at the line not delivered").isEqualTo(4));
        h.finishAndCheckEveryLinePublished();
    }

    @Test
    void aHandOverLetsGoOfThePartitionsFilesOnceTheirRecordsAreResolved() throws Exception {
        LifecycleHarness h = readingAFileOfFourLines(true);

        CompletableFuture<Void> handedOver = h.current.lifecycle.release(Set.of(0), false, Duration.ofMinutes(1));
        h.current.run();
        assertThat(handedOver).as("records of its file are not committed yet").isNotDone();
        assertThat(h.current.lifecycle.snapshot().files()).extracting(FilesSnapshot.FileView::state)
                .containsExactly(FileState.HANDING_OVER);

        h.commit();
        assertThat(handedOver).as("its checkpoint is saved with the next transaction").isNotDone();
        h.commit();
        assertThat(handedOver).isDone();
        assertThat(h.current.lifecycle.snapshot().files()).isEmpty();
    }

    @Test
    void aLostPartitionIsLetGoAtOnceAndItsRecordsAreNotCommitted() throws Exception {
        LifecycleHarness h = readingAFileOfFourLines(true);

        CompletableFuture<Void> lost = h.current.lifecycle.release(Set.of(0), true, Duration.ofMinutes(1));
        h.current.run();
        assertThat(lost).isDone();
        h.commit();
        assertThat(h.current.inFlight).as("records of files let go are left out of the transaction").isEmpty();
        assertThat(h.durable.all()).as("nothing was saved").isEmpty();
    }

    @ParameterizedTest(name = "exactly-once: {0}")
    @ValueSource(booleans = {false, true})
    void aPartitionLostWhileTheStopWaitsForItsRecordsIsLetGoWithoutACheckpoint(boolean exactlyOnce) throws Exception {
        LifecycleHarness h = readingAFileOfFourLines(exactlyOnce);
        CompletableFuture<Void> stopped = h.current.lifecycle.stopIngesting(Duration.ofMinutes(1),
                Duration.ofMinutes(1));
        h.current.run();
        assertThat(stopped).as("the stop waits for the records in flight").isNotDone();

        CompletableFuture<Void> lost = h.current.lifecycle.release(Set.of(0), true, Duration.ofMinutes(1));
        h.current.run();
        assertThat(lost).isDone();
        assertThat(stopped).as("the stop holds no file any more").isDone();
        assertThat(h.current.lifecycle.snapshot().files()).isEmpty();
        if (exactlyOnce) {
            assertThat(h.current.transactional.toCommit).as("no checkpoint to commit").isEmpty();
        }
        assertThat(h.durable.all()).as("no checkpoint over the next owner's").isEmpty();
    }

    @Test
    void aHandOverDuringTheStopIsAnsweredOnceTheStopLetItsFilesGo() throws Exception {
        LifecycleHarness h = readingAFileOfFourLines(true);
        CompletableFuture<Void> stopped = h.current.lifecycle.stopIngesting(Duration.ofMinutes(1),
                Duration.ofMinutes(1));
        h.current.run();

        CompletableFuture<Void> handedOver = h.current.lifecycle.release(Set.of(0), false, Duration.ofMinutes(1));
        h.current.run();
        assertThat(handedOver).as("the stop holds the partition's file, its checkpoint not saved yet").isNotDone();

        h.commit();
        h.commit();
        assertThat(stopped).isDone();
        assertThat(handedOver).isDone();
        assertThat(h.durable.all()).as("the checkpoint the next owner resumes from").hasSize(1);
    }

    /**
     * An object settles where its bucket's disposal puts it, the requests off the lifecycle's thread: it stays
     * {@code SETTLING} (its finished checkpoint saved) until the answer comes back, and one let go meanwhile keeps that
     * checkpoint rather than one for a next reader. An object found ingested by its checkpoint keeps it as it is, also
     * when it is let go before it settled.
     */
    @Test
    void anObjectIsDisposedOfOffTheLifecycleThreadAndOneLetGoMeanwhileKeepsItsFinishedCheckpoint() throws Exception {
        List<CompletableFuture<String>> asked = new ArrayList<>();
        List<Boolean> ingested = new ArrayList<>();
        harness = new LifecycleHarness(false, (object, wasIngested) -> {
            ingested.add(wasIngested);
            CompletableFuture<String> answer = new CompletableFuture<>();
            asked.add(answer);
            return answer;
        });
        LifecycleHarness h = harness;
        Claim first = h.putObject("movie/new/a.jsonl", 4);
        Claim second = h.putObject("movie/new/b.jsonl", 5);
        h.current.lifecycle.claim(first);
        h.current.lifecycle.claim(second);
        h.current.run();
        for (int tick = 0; tick < 10 && asked.size() < 2; tick++) {
            h.readAll();
            h.sendAll();
            h.tick();
        }

        for (int tick = 0; tick < 3; tick++) {
            h.tick();
        }
        assertThat(asked).as("both objects' disposal asked for, once").hasSize(2);
        assertThat(ingested).containsExactly(true, true);
        assertThat(h.current.lifecycle.snapshot().files()).extracting(FilesSnapshot.FileView::state)
                .containsExactly(FileState.SETTLING, FileState.SETTLING);
        assertThat(h.durable.all().values()).as("finished checkpoints saved before").allMatch(Checkpoint::done)
                .hasSize(2);

        asked.get(0).complete("deleted from its bucket");
        h.current.run();
        assertThat(h.current.lifecycle.snapshot().files()).extracting(view -> view.file().identity())
                .containsExactly(second.identity());
        assertThat(h.stats.filesDone()).isEqualTo(1);

        Checkpoint finished = h.durable.all().get(second.identity());
        LifecycleHarness.Instance old = h.current;
        h.restart(LifecycleHarness.Ending.HAND_OVER, true);
        assertThat(h.durable.all().get(second.identity())).as("not replaced by one for a next reader")
                .isEqualTo(finished);
        asked.get(1).complete("deleted from its bucket");
        old.run();
        assertThat(asked).as("not asked again").hasSize(2);

        Checkpoint firstFinished = h.durable.all().get(first.identity());
        h.current.lifecycle.claim(first);
        h.current.run();
        for (int tick = 0; tick < 10; tick++) {
            h.readAll();
            h.tick();
        }
        assertThat(asked).as("found ingested, disposed of again (a disposal that failed is tried again)").hasSize(3);
        assertThat(h.durable.all().get(first.identity())).as("its checkpoint not written again")
                .isSameAs(firstFinished);

        h.current.lifecycle.claim(second);
        h.current.run();
        h.restart(LifecycleHarness.Ending.STOP, false);
        assertThat(h.durable.all().get(second.identity()))
                .as("found ingested and let go at a stop before it settled: its finished checkpoint stands")
                .isSameAs(finished);
        h.checkSafety();
    }

    /**
     * An object's first bytes are read off the lifecycle's thread: its claim waits meanwhile, is probed once whatever
     * the steps in between, and one let go before the answer comes back is not opened.
     */
    @Test
    void anObjectIsProbedOffTheLifecycleThreadOnceAndAClaimLetGoMeanwhileIsNotOpened() throws Exception {
        List<Runnable> probes = new ArrayList<>();
        harness = new LifecycleHarness(false, ObjectDisposal.LEAVE, probes::add);
        LifecycleHarness h = harness;
        Claim claim = h.putObject("movie/new/a.jsonl", 3);
        h.current.lifecycle.claim(claim);
        h.current.run();
        for (int tick = 0; tick < 3; tick++) {
            h.tick();
        }

        assertThat(probes).as("one probe, whatever the ticks").hasSize(1);
        assertThat(h.current.lifecycle.snapshot().files()).as("not opened while its first bytes are read").isEmpty();
        probes.remove(0).run();
        h.current.run();
        assertThat(h.current.lifecycle.snapshot().files()).extracting(view -> view.file().identity())
                .as("opened once the answer came back").containsExactly(claim.identity());

        Claim another = h.putObject("movie/new/b.jsonl", 2);
        h.current.lifecycle.claim(another);
        h.current.run();
        assertThat(probes).hasSize(1);
        CompletableFuture<Void> released = h.current.lifecycle.release(Set.of(0), true, Duration.ofSeconds(1));
        h.current.run();
        assertThat(released).isDone();
        probes.remove(0).run();
        h.current.run();
        assertThat(h.current.lifecycle.snapshot().files()).as("the claim let go is not opened").isEmpty();
        assertThat(h.current.grants).extracting(grant -> grant.file().identity())
                .as("nothing of the claim let go given to a reader").doesNotContain(another.identity());
    }
}
