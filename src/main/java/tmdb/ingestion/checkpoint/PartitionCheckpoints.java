package tmdb.ingestion.checkpoint;

import java.util.Set;

/** Where the checkpoints of files partitions are read from before their files are claimed (the checkpoint topic). */
public interface PartitionCheckpoints {

    /** Reads the checkpoints of these files partitions, waiting for Kafka for at most one attempt's time. */
    void load(Set<Integer> filesPartitions);

    /**
     * Drops what was read of these files partitions: they go to another instance before this one read their files
     * (nothing of theirs may be swept or written from here once their next owner has them).
     */
    void forget(Set<Integer> filesPartitions);
}
