package tmdb.ingestion.checkpoint;

/**
 * Whether the source a finished checkpoint was taken of is still where it was read, unchanged: an object left in its
 * bucket is listed again at every start, and its finished checkpoint is what keeps it from being read again, so it
 * is kept past {@code ingestion.checkpoint.done-retention} for as long as the object is there. A file's finished
 * checkpoint is not asked about: a read file was moved to {@code .done/}, and its checkpoint just expires.
 */
public interface SourcePresence {

    /** No source is asked about: every finished checkpoint expires with the retention. */
    SourcePresence NONE = new SourcePresence() {
        @Override
        public boolean applies(String file) {
            return false;
        }

        @Override
        public boolean stillThere(Checkpoint checkpoint) {
            return false;
        }
    };

    /** True for a source whose presence is asked before its finished checkpoint is forgotten. */
    boolean applies(String file);

    /**
     * True while the source is there with the content the checkpoint was taken of, and when that cannot be told now
     * (a store out of reach forgets nothing). May make a request: called from the retention sweep only.
     */
    boolean stillThere(Checkpoint checkpoint);
}
