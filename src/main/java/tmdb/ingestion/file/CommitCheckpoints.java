package tmdb.ingestion.file;

import java.util.Map;
import java.util.Set;

import tmdb.ingestion.checkpoint.Checkpoint;

/**
 * The lifecycle's answer to a transaction about to commit: the checkpoint each file reaches once the transaction's
 * records are committed, and the files this instance let go meanwhile (handed over, or cut off), whose records must
 * not be committed: their next reader sends them. A file in neither needs no checkpoint (its content was replaced,
 * or it was moved: nobody resumes it from its path).
 */
public record CommitCheckpoints(Map<SourceFile, Checkpoint> checkpoints, Set<SourceFile> gone) {

    public CommitCheckpoints {
        checkpoints = Map.copyOf(checkpoints);
        gone = Set.copyOf(gone);
    }
}
