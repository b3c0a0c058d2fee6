package tmdb.ingestion.producer;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import tmdb.ingestion.checkpoint.Checkpoint;

/**
 * Which checkpoints a files partition's next commit writes, against those its last two commits wrote: a checkpoint
 * saved outside records while a commit was under way may know less than the one that commit wrote, and must not
 * replace it. Such a checkpoint is committed by the next commit at the latest, so two commits' checkpoints are all it
 * is checked against (keeping every file's would grow with every file the partition ever had).
 */
final class CommittedCheckpoints {

    private Map<String, Checkpoint> last = new HashMap<>();
    private Map<String, Checkpoint> before = new HashMap<>();

    /**
     * The checkpoints to write, by file: those saved outside records that no recent commit superseded, then those the
     * committed records reach, which win.
     */
    Map<String, Checkpoint> toWrite(Collection<Checkpoint> saved, Collection<Checkpoint> reached) {
        Map<String, Checkpoint> byFile = new LinkedHashMap<>();
        for (Checkpoint checkpoint : saved) {
            Checkpoint committed = last.getOrDefault(checkpoint.file(), before.get(checkpoint.file()));
            if (committed == null || !committed.supersedes(checkpoint)) {
                byFile.put(checkpoint.file(), checkpoint);
            }
        }
        reached.forEach(checkpoint -> byFile.put(checkpoint.file(), checkpoint));
        return byFile;
    }

    /** These were committed. */
    void committed(Map<String, Checkpoint> written) {
        before = last;
        last = written;
    }
}
