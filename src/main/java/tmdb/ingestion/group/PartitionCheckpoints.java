package tmdb.ingestion.group;

import java.util.Set;

/** Where the checkpoints of files partitions are read from before their files are claimed (the checkpoint topic). */
@FunctionalInterface
public interface PartitionCheckpoints {

    /** Reads the checkpoints of these files partitions, waiting for Kafka for at most one attempt's time. */
    void load(Set<Integer> filesPartitions);
}
