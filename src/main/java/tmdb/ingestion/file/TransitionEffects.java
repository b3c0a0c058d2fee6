package tmdb.ingestion.file;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a file's transitions tell the world, in one place: the status events ({@link FileStatusEvents}) and the
 * run's file counters ({@link IngestionStats}). A file is counted done, and its {@code completed} event sent, at its
 * first settlement only (a moved file that got late lines settles again, and is not counted twice).
 */
final class TransitionEffects {

    private final FileStatusEvents events;
    private final AnnouncementEnds announcements;
    private final IngestionStats stats;
    private boolean changed;

    TransitionEffects(FileStatusEvents events, AnnouncementEnds announcements, IngestionStats stats) {
        this.events = events;
        this.announcements = announcements;
        this.stats = stats;
    }

    void transitioned(TrackedFile file, FileState from, FileEvent event, FileState to) {
        changed = true;
        SourceFile source = file.source();
        switch (event) {
            case OPENED -> {
                events.send(source, "discovered", Map.of());
                events.send(source, "started", Map.of());
            }
            case OPEN_FAILED -> events.send(source, "discovered", Map.of());
            case MOVED, SETTLED_IN_PLACE -> settled(file, from, to);
            case REWRITTEN -> events.send(source, "rewritten", counts(file));
            case LET_GO -> events.send(source, "interrupted", counts(file));
            default -> { }
        }
        if ((to == FileState.DONE || to == FileState.FAILED) && !file.claimedAgain()) {
            announcements.ended(source);
        }
    }

    /** True when a file changed state since the last time this was asked. */
    boolean takeChanged() {
        boolean was = changed;
        changed = false;
        return was;
    }

    private void settled(TrackedFile file, FileState from, FileState to) {
        SourceFile source = file.source();
        if (to == FileState.FAILED) {
            stats.fileFailed(source.type(), source.label());
            Map<String, Object> fields = counts(file);
            fields.put("reason", file.account().summary());
            events.send(source, "failed", fields);
        } else if (from == FileState.SETTLING && file.firstCompletion()) {
            stats.fileDone(source.type(), source.label());
            events.send(source, "completed", counts(file));
        }
    }

    private static Map<String, Object> counts(TrackedFile file) {
        FileAccount account = file.account();
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("lines", account.linesRead());
        counts.put("published", account.published());
        counts.put("dead_lettered", account.deadLettered());
        counts.put("skipped", account.blankLines());
        counts.put("not_delivered", account.failed());
        return counts;
    }
}
