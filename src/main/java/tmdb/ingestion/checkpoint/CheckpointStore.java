package tmdb.ingestion.checkpoint;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Where files' checkpoints are kept: the file lifecycle looks a file's up when it picks the file up, and saves its
 * progress as it goes. {@link KafkaCheckpointStore} keeps them in a compacted topic, so that any instance resumes
 * where the last one stopped; {@link InMemoryCheckpointStore} keeps them in this process only (tests and tools).
 */
public interface CheckpointStore {

    /**
     * The last checkpoint this deployment saved under this path under the data folder, if any (of this file or of
     * another one once under the same path: the caller checks that it matches).
     */
    Optional<Checkpoint> find(String file);

    /**
     * Why the store's checkpoint under this path is not used here (another deployment's, written for another topic,
     * inconsistent), for the message that says so; empty when there is none or it is used.
     */
    Optional<String> whyNotUsed(String file);

    /**
     * Records a file's progress. The answer completes once the checkpoint is kept (acknowledged by Kafka; in
     * exactly-once mode at once, since the transactions write it with their records), or exceptionally when it could
     * not be.
     */
    CompletableFuture<Void> save(Checkpoint checkpoint);

    /** Drops what is known of the files of these files partitions: another instance owns them now. */
    void forget(Set<Integer> filesPartitions);
}
