package tmdb.ingestion.file;

import java.util.List;

/**
 * The files as the lifecycle last published them (at every tick): what the metrics and the progress line read, from
 * any thread, without touching the files' state.
 */
public record FilesSnapshot(List<FileView> files) {

    public static final FilesSnapshot EMPTY = new FilesSnapshot(List.of());

    /**
     * One file.
     *
     * @param bytesLeft         bytes of the file not read yet
     * @param linesLeftEstimate lines not read yet, estimated from the mean length of the lines read so far
     * @param summary           its account as its log lines say it, e.g. {@code 5 lines: 4 published, ...}
     */
    public record FileView(SourceFile file, FileState state, long bytesLeft, long linesLeftEstimate, String summary) {

        public String type() {
            return file.type();
        }

        public String label() {
            return file.label();
        }
    }

    public FilesSnapshot {
        files = List.copyOf(files);
    }

    /** Files opened and not settled: being read, or waiting for their records, for more lines, or for quiet. */
    public List<FileView> unsettled() {
        return files.stream().filter(file -> file.state().unsettled()).toList();
    }
}
