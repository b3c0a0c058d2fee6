package tmdb.ingestion.group;

import java.util.Set;

/**
 * What an instance does with its files partitions beyond reading their files: in exactly-once mode, one
 * transactional producer per partition (taking its id fences the previous owner and aborts its open transaction).
 */
public interface PartitionWork {

    /** Nothing beyond the files: at-least-once. */
    PartitionWork NONE = new PartitionWork() {
        @Override
        public void take(Set<Integer> partitions) {
        }

        @Override
        public void hand(Set<Integer> partitions) {
        }

        @Override
        public void lose(Set<Integer> partitions) {
        }
    };

    /** These partitions are this instance's now; called before their checkpoints are read. */
    void take(Set<Integer> partitions);

    /** These partitions go to another instance; called once their files were let go. */
    void hand(Set<Integer> partitions);

    /**
     * These partitions were given to another instance while this one was cut off from the group: their work ends at
     * once, committing nothing more; called before their files are let go, so that nothing of them is committed
     * meanwhile.
     */
    void lose(Set<Integer> partitions);
}
