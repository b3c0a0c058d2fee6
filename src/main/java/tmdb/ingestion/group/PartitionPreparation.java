package tmdb.ingestion.group;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.checkpoint.PartitionCheckpoints;

/**
 * Files partitions given to this instance, from their assignment to their ownership: on a thread of its own, each
 * one's work is taken (in exactly-once mode its transactional id) and its checkpoints read, for as long as Kafka makes
 * it wait, while the group's thread goes on polling. A partition taken away before it is owned is handed back once,
 * by whichever thread has it, its checkpoints forgotten ({@link PartitionPhases} decides which).
 */
final class PartitionPreparation {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionPreparation.class);
    private static final long RETRY_PAUSE_MS = 1000;

    private final PartitionWork work;
    private final PartitionCheckpoints checkpoints;
    private final FilesHandOver filesHandOver;
    private final KafkaWaits waits;
    private final long handOverMs;
    private final BooleanSupplier goOn;
    private final Runnable refused;
    private final Runnable prepared;
    private final PartitionPhases phases = new PartitionPhases();
    private final ExecutorService preparing = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "Files partitions");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param handOverMs how long a partition taken away while being prepared is waited for before the group goes on
     * @param goOn       false once this instance leaves or stops: nothing more is taken or read
     * @param refused    Kafka refused this instance's user: it stops
     * @param prepared   a preparation ended: the group's thread starts reading the prepared partitions
     */
    PartitionPreparation(PartitionWork work, PartitionCheckpoints checkpoints, FilesHandOver filesHandOver,
                         KafkaWaits waits, long handOverMs, BooleanSupplier goOn, Runnable refused, Runnable prepared) {
        this.work = work;
        this.checkpoints = checkpoints;
        this.filesHandOver = filesHandOver;
        this.waits = waits;
        this.handOverMs = handOverMs;
        this.goOn = goOn;
        this.refused = refused;
        this.prepared = prepared;
    }

    /** These partitions are given to this instance: those not being prepared already are, from now. */
    void given(Set<Integer> partitions) {
        Set<Integer> toPrepare = phases.preparing(partitions);
        if (!toPrepare.isEmpty()) {
            preparing.execute(() -> prepare(toPrepare));
        }
    }

    /** True while a preparation is under way or its partitions wait for the group's thread. */
    boolean anyUnderWay() {
        return phases.anyUnderWay();
    }

    /** The prepared partitions, now the group's thread's. */
    Set<Integer> takePrepared() {
        return phases.takePrepared();
    }

    /**
     * A partition taken away before it was owned: handed back now when it was prepared; otherwise its preparation is
     * given a while to end (it then hands the partition back itself), so that it does not take the partition's
     * transactional id after the next owner took it.
     */
    void takenAway(int partition) {
        if (phases.takenAway(partition)) {
            handBackUnread(Set.of(partition));
            return;
        }
        try {
            if (!phases.awaitPrepared(partition, handOverMs)) {
                LOG.warn("Files partition {} goes to another instance while this one is still preparing it "
                        + "(letting go of its files, or Kafka taking its work or reading its checkpoints); it is "
                        + "handed back once that ends, and none of its files is read here", partition);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Partitions taken away before this instance read their files: their checkpoints forgotten, their work handed. */
    void handBackUnread(Set<Integer> partitionsGoing) {
        checkpoints.forget(partitionsGoing);
        work.hand(partitionsGoing);
    }

    /** The application stops: a preparation under way is interrupted. */
    void stop() {
        preparing.shutdownNow();
    }

    /**
     * Takes the partitions' work and reads their checkpoints, trying again for as long as Kafka does not answer;
     * the group's thread then starts reading their announcements. A partition taken away meanwhile is not read (its
     * next owner reads it) and is handed back; one taken away and given back before the preparation ends is taken and
     * read again: the preparation ends only once every partition still wanted is, since it was last given.
     */
    private void prepare(Set<Integer> given) {
        String what = "preparing files partitions " + given;
        Reminder reminder = new Reminder();
        Set<Integer> taken = new TreeSet<>();
        Set<Integer> read = new TreeSet<>();
        Set<Integer> handBack = null;
        try {
            while (goOn.getAsBoolean()) {
                Set<Integer> again = phases.takeGivenBack(given);
                if (!again.isEmpty()) {
                    // another instance may have had them meanwhile: its take fenced the producers taken here, and its
                    // reading moved their checkpoints on
                    again.retainAll(taken);
                    work.hand(again);
                    taken.removeAll(again);
                    read.removeAll(again);
                }
                Set<Integer> wanted = phases.stillWanted(given);
                Step step = Step.LET_GO;
                try {
                    // a release of theirs that outlived its wait forgets their checkpoints when it ends: nothing is
                    // taken or read of them before
                    filesHandOver.awaitLetGo(wanted);
                    step = Step.TAKE;
                    Set<Integer> toTake = new TreeSet<>(wanted);
                    toTake.removeAll(taken);
                    if (!toTake.isEmpty()) {
                        work.take(toTake);
                        taken.addAll(toTake);
                    }
                    step = Step.READ_CHECKPOINTS;
                    Set<Integer> toRead = phases.stillWanted(taken);
                    toRead.removeAll(read);
                    if (!toRead.isEmpty()) {
                        checkpoints.load(toRead);
                        read.addAll(toRead);
                    }
                } catch (RuntimeException e) {
                    if (isRefusal(e)) {
                        LOG.error("Kafka refused this instance's user while {} of files partitions {}: {}. This "
                                + "instance stops", step.doing, wanted, e.getMessage());
                        refused.run();
                        break;
                    }
                    waits.waiting(what, step.doing + ": " + e.getMessage());
                    if (reminder.due()) {
                        LOG.warn("Files partitions {} wait for {}: {}. This instance stays up and tries again; it "
                                + "reads none of their files until then", wanted, step.waitingFor, e.getMessage());
                    }
                    pause();
                    continue;
                }
                PartitionPhases.Ending ending = phases.end(given, read);
                if (ending.notReady().isEmpty()) {
                    handBack = ending.handBack();
                    break;
                }
            }
        } finally {
            waits.done(what);
        }
        if (handBack == null) {
            // this instance leaves or stops: prepared but never read, and the leave hands back the ids taken so far
            handBack = phases.prepared(given);
        }
        if (!handBack.isEmpty()) {
            handBackUnread(handBack);
        }
        prepared.run();
    }

    /** What a preparation waits for, in the order it goes through them, as its logs and readiness name it. */
    private enum Step {
        LET_GO("letting go of the files", "this instance to let go of their files"),
        TAKE("taking the work", "Kafka to take their work (in exactly-once mode their transactional ids)"),
        READ_CHECKPOINTS("reading the checkpoints", "Kafka to read their checkpoints");

        private final String doing;
        private final String waitingFor;

        Step(String doing, String waitingFor) {
            this.doing = doing;
            this.waitingFor = waitingFor;
        }
    }

    private static boolean isRefusal(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof AuthorizationException || cause instanceof AuthenticationException) {
                return true;
            }
        }
        return false;
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
