package tmdb.ingestion.group;

import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where each files partition given to this instance stands between its assignment and its ownership: being prepared
 * (its work taken, its checkpoints read, on the preparing thread, for as long as Kafka makes it wait), prepared and
 * waiting for the group's thread to start reading its announcements, or taken away while it was prepared. The
 * group's thread and the preparing thread both ask; each answer is given under one lock, so that a partition taken
 * away is handed back exactly once, by whichever thread has it.
 */
final class PartitionPhases {

    private final Set<Integer> preparing = new HashSet<>();
    private final Set<Integer> cancelled = new HashSet<>();
    /**
     * Taken away while being prepared and given back before the preparation ended: another instance may have owned
     * them meanwhile (the revocation waits only so long for a preparation), so what was taken and read of them is old.
     */
    private final Set<Integer> givenBack = new HashSet<>();
    private final Set<Integer> prepared = new TreeSet<>();

    /**
     * These partitions are given to this instance: returns those to prepare now. One still being prepared (taken away
     * and given back meanwhile) is wanted again, and not prepared twice.
     */
    synchronized Set<Integer> preparing(Set<Integer> partitions) {
        Set<Integer> toPrepare = new TreeSet<>();
        for (int partition : partitions) {
            if (cancelled.remove(partition)) {
                givenBack.add(partition);
            }
            if (preparing.add(partition)) {
                toPrepare.add(partition);
            }
        }
        return toPrepare;
    }

    /**
     * Waits, at most the given time, until the partition is no longer being prepared: its work must not be taken
     * after its next owner took it (that would fence the next owner).
     */
    synchronized boolean awaitPrepared(int partition, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (preparing.contains(partition)) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** The partitions still to prepare of these (the others were taken away meanwhile). */
    synchronized Set<Integer> stillWanted(Set<Integer> partitions) {
        Set<Integer> wanted = new TreeSet<>(partitions);
        wanted.removeAll(cancelled);
        return wanted;
    }

    /**
     * The preparation of these partitions is over: the ones still wanted wait for the group's thread; returns the
     * ones taken away meanwhile, for the preparing thread to hand back.
     */
    synchronized Set<Integer> prepared(Set<Integer> partitions) {
        Set<Integer> handBack = new TreeSet<>();
        for (int partition : partitions) {
            preparing.remove(partition);
            givenBack.remove(partition);
            if (cancelled.remove(partition)) {
                handBack.add(partition);
            } else {
                prepared.add(partition);
            }
        }
        notifyAll();
        return handBack;
    }

    /**
     * How a preparation's check ended: the partitions still wanted that are not ready yet (the preparation goes on
     * with them), or, when there are none, the partitions taken away meanwhile, to hand back.
     */
    record Ending(Set<Integer> notReady, Set<Integer> handBack) {
    }

    /**
     * The preparation of these partitions ends if every one still wanted is ready (its work taken, its checkpoints
     * read): they then wait for the group's thread, as {@link #prepared} says, and those taken away meanwhile are
     * returned to hand back. Otherwise nothing changes, and the ones not ready are returned: a partition taken away
     * and given back during the preparation is wanted again, and is not ready until what was done of it is redone
     * ({@link #takeGivenBack}). One decision under the lock, so that a partition given back just after a check cannot
     * be prepared without being ready.
     */
    synchronized Ending end(Set<Integer> partitions, Set<Integer> ready) {
        Set<Integer> notReady = new TreeSet<>();
        for (int partition : partitions) {
            if (!cancelled.contains(partition) && (!ready.contains(partition) || givenBack.contains(partition))) {
                notReady.add(partition);
            }
        }
        return notReady.isEmpty() ? new Ending(Set.of(), prepared(partitions)) : new Ending(notReady, Set.of());
    }

    /** Those of these partitions given back since the last call: what was taken and read of them is to be redone. */
    synchronized Set<Integer> takeGivenBack(Set<Integer> partitions) {
        Set<Integer> again = new TreeSet<>(partitions);
        again.retainAll(givenBack);
        givenBack.removeAll(again);
        return again;
    }

    /** The prepared partitions, now taken by the group's thread. */
    synchronized Set<Integer> takePrepared() {
        Set<Integer> taken = new TreeSet<>(prepared);
        prepared.clear();
        return taken;
    }

    /**
     * A partition is taken away before it was owned. True when the caller must hand its work back now (it was
     * prepared already); false when its preparation is still under way (the preparing thread hands it back) or it
     * was never here.
     */
    synchronized boolean takenAway(int partition) {
        if (preparing.contains(partition)) {
            cancelled.add(partition);
            return false;
        }
        return prepared.remove(partition);
    }

    synchronized boolean anyUnderWay() {
        return !preparing.isEmpty() || !prepared.isEmpty();
    }
}
