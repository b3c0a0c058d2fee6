package tmdb.ingestion.support;

import java.nio.charset.StandardCharsets;

import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.file.SourceLine;
import tmdb.ingestion.file.TrackedFile;
import tmdb.ingestion.record.Record;

/** Records for unit tests of the processors: a line of a file that is not on disk. */
public final class Records {

    private static final InFlightBudget BUDGET = new InFlightBudget(Integer.MAX_VALUE);

    private Records() {
    }

    /** Line {@code number} of {@code file} (type and label taken from its folders), {@code length} bytes long. */
    public static Record record(String file, long number, byte[] bytes, long length) {
        String[] folders = file.split("/");
        return new Record(new TrackedFile(file, folders[0], folders[1], null, null, null),
                new SourceLine(number, bytes, length), 0, BUDGET, 0);
    }

    /** Line {@code number} of {@code file}, mixed by the given key. */
    public static Record mixed(String file, long number, long mixKey) {
        String[] folders = file.split("/");
        byte[] bytes = ("{\"line\": " + number + "}").getBytes(StandardCharsets.UTF_8);
        return new Record(new TrackedFile(file, folders[0], folders[1], null, null, null),
                new SourceLine(number, bytes, bytes.length), mixKey, BUDGET, 0);
    }

    /** Line 7 of {@code movie/new/a.jsonl}. */
    public static Record record(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return record("movie/new/a.jsonl", 7, bytes, bytes.length);
    }
}
