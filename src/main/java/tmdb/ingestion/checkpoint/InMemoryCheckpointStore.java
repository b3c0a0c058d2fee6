package tmdb.ingestion.checkpoint;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checkpoints kept in this process only, by file: what the lifecycle's tests use instead of Kafka, and what a restart
 * in the same process finds. Forgetting a partition keeps its checkpoints: like the topic, the store outlives the
 * instance that owned them.
 */
public final class InMemoryCheckpointStore implements CheckpointStore {

    private final Map<String, Checkpoint> byFile = new ConcurrentHashMap<>();

    @Override
    public Optional<Checkpoint> find(String file) {
        return Optional.ofNullable(byFile.get(file));
    }

    @Override
    public Optional<String> whyNotUsed(String file) {
        return Optional.empty();
    }

    @Override
    public CompletableFuture<Void> save(Checkpoint checkpoint) {
        byFile.put(checkpoint.file(), checkpoint);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void forget(Set<Integer> filesPartitions) {
    }

    /** Every checkpoint kept, by file. */
    public Map<String, Checkpoint> all() {
        return Map.copyOf(byFile);
    }
}
