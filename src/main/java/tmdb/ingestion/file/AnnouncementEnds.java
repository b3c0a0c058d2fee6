package tmdb.ingestion.file;

/**
 * Where the lifecycle says a file's announcement is no longer needed: the file ended here, done or failed, so no
 * instance given its partition later has to claim it again. The files topic then holds about as many announcements
 * as there are files in flight, once compacted. And where it says that one is needed again: the tombstone of an
 * earlier file under the same path came after a held file's announcement, and compaction would remove it.
 */
public interface AnnouncementEnds {

    /** For lifecycles without a files topic (tests, tools). */
    AnnouncementEnds NONE = new AnnouncementEnds() {
        @Override
        public void ended(SourceFile file) {
        }

        @Override
        public void renewed(Claim claim) {
        }
    };

    /** The file ended here (done or failed); called on the lifecycle's thread, so it must not wait. */
    void ended(SourceFile file);

    /**
     * The file, held here, is announced again as it was claimed (an object with its size and ETag): its announcement
     * was followed by the tombstone of an earlier file under its path (dropped again while the earlier one's end was
     * on its way). Called on the lifecycle's thread.
     */
    void renewed(Claim claim);
}
