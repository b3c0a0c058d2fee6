package tmdb.ingestion.file;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

import static tmdb.ingestion.file.FileEvent.GREW;
import static tmdb.ingestion.file.FileEvent.LATE_LINES;
import static tmdb.ingestion.file.FileEvent.LET_GO;
import static tmdb.ingestion.file.FileEvent.OPENED;
import static tmdb.ingestion.file.FileEvent.OPEN_FAILED;
import static tmdb.ingestion.file.FileEvent.READER_STARTED;
import static tmdb.ingestion.file.FileEvent.READ_ENDED;
import static tmdb.ingestion.file.FileEvent.RELEASED;
import static tmdb.ingestion.file.FileEvent.RESOLVED_AND_QUIET;
import static tmdb.ingestion.file.FileEvent.RESOLVED_WITH_FAILURES;
import static tmdb.ingestion.file.FileEvent.SETTLED_IN_PLACE;
import static tmdb.ingestion.file.FileEvent.SETTLING_ABANDONED;
import static tmdb.ingestion.file.FileEvent.WATCH_ENDED;
import static tmdb.ingestion.file.FileState.CAUGHT_UP;
import static tmdb.ingestion.file.FileState.CLAIMED;
import static tmdb.ingestion.file.FileState.DONE;
import static tmdb.ingestion.file.FileState.DROPPED;
import static tmdb.ingestion.file.FileState.FAILED;
import static tmdb.ingestion.file.FileState.FAILING;
import static tmdb.ingestion.file.FileState.HANDING_OVER;
import static tmdb.ingestion.file.FileState.INTERRUPTED;
import static tmdb.ingestion.file.FileState.MOVED;
import static tmdb.ingestion.file.FileState.READING;
import static tmdb.ingestion.file.FileState.READ_FAILED;
import static tmdb.ingestion.file.FileState.READ_REQUESTED;
import static tmdb.ingestion.file.FileState.REWRITTEN;
import static tmdb.ingestion.file.FileState.SETTLING;

/**
 * Every transition a file can make, as data: (state, event) gives the next state, and any pair not listed is a bug
 * that fails loudly. The README's lifecycle diagram is drawn from this table, and a test checks that they agree.
 */
public final class FileTransitions {

    private static final Map<FileState, Map<FileEvent, FileState>> TABLE = new EnumMap<>(FileState.class);

    static {
        from(CLAIMED).on(OPENED, READ_REQUESTED).on(OPEN_FAILED, READ_FAILED).on(FileEvent.DROPPED, DROPPED);
        from(READ_REQUESTED).on(READER_STARTED, READING).on(FileEvent.REWRITTEN, REWRITTEN)
                .on(RELEASED, HANDING_OVER);
        from(READING).on(READ_ENDED, CAUGHT_UP).on(FileEvent.READ_FAILED, READ_FAILED)
                .on(FileEvent.REWRITTEN, REWRITTEN).on(RELEASED, HANDING_OVER);
        from(CAUGHT_UP).on(GREW, READ_REQUESTED).on(FileEvent.REWRITTEN, REWRITTEN)
                .on(RESOLVED_AND_QUIET, SETTLING).on(RESOLVED_WITH_FAILURES, FAILING).on(RELEASED, HANDING_OVER);
        from(SETTLING).on(FileEvent.MOVED, MOVED).on(SETTLED_IN_PLACE, DONE).on(SETTLING_ABANDONED, CAUGHT_UP)
                .on(RELEASED, HANDING_OVER);
        from(MOVED).on(LATE_LINES, READ_REQUESTED).on(WATCH_ENDED, DONE).on(RELEASED, HANDING_OVER);
        from(READ_FAILED).on(RESOLVED_WITH_FAILURES, FAILING).on(RELEASED, HANDING_OVER);
        from(FAILING).on(FileEvent.MOVED, FAILED).on(SETTLED_IN_PLACE, FAILED).on(SETTLING_ABANDONED, FAILING)
                .on(RELEASED, HANDING_OVER);
        from(HANDING_OVER).on(LET_GO, INTERRUPTED).on(SETTLED_IN_PLACE, DONE);
        for (FileState state : FileState.values()) {
            TABLE.computeIfAbsent(state, ended -> new EnumMap<>(FileEvent.class));
        }
    }

    private FileTransitions() {
    }

    /** The state after the event; an event the state does not take is a bug, not an input error. */
    public static FileState next(FileState state, FileEvent event) {
        FileState next = TABLE.get(state).get(event);
        if (next == null) {
            throw new IllegalStateException("a file in state " + state + " cannot take event " + event);
        }
        return next;
    }

    /** True when the state takes the event. */
    public static boolean allows(FileState state, FileEvent event) {
        return TABLE.get(state).containsKey(event);
    }

    /** The whole table, state by state, read-only. */
    public static Map<FileState, Map<FileEvent, FileState>> table() {
        Map<FileState, Map<FileEvent, FileState>> copy = new EnumMap<>(FileState.class);
        TABLE.forEach((state, events) -> copy.put(state, Collections.unmodifiableMap(events)));
        return Collections.unmodifiableMap(copy);
    }

    private static Row from(FileState state) {
        return new Row(TABLE.computeIfAbsent(state, key -> new EnumMap<>(FileEvent.class)));
    }

    private record Row(Map<FileEvent, FileState> events) {
        Row on(FileEvent event, FileState next) {
            events.put(event, next);
            return this;
        }
    }
}
