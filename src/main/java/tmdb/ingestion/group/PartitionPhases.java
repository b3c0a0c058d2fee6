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
    private final Set<Integer> prepared = new TreeSet<>();

    synchronized void preparing(Set<Integer> partitions) {
        preparing.addAll(partitions);
        cancelled.removeAll(partitions);
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
            if (cancelled.remove(partition)) {
                handBack.add(partition);
            } else {
                prepared.add(partition);
            }
        }
        return handBack;
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
