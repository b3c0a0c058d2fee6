package tmdb.ingestion.file;

/**
 * Where the lifecycle says a file's announcement is no longer needed: the file ended here, done or failed, so no
 * instance given its partition later has to claim it again. The files topic then holds about as many announcements
 * as there are files in flight, once compacted.
 */
public interface AnnouncementEnds {

    /** For lifecycles without a files topic (tests, tools). */
    AnnouncementEnds NONE = file -> { };

    /** The file ended here (done or failed); called on the lifecycle's thread, so it must not wait. */
    void ended(SourceFile file);
}
