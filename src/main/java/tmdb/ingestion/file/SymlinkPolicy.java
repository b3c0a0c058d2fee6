package tmdb.ingestion.file;

/**
 * What the folders do with a {@code .jsonl} entry that is a symbolic link ({@code ingestion.file.symlinks}): a link
 * can point anywhere the application may read, so that a link to a secrets file would be published line by line as
 * dead letters.
 */
public enum SymlinkPolicy {
    /** Links are skipped, with a warning. */
    SKIP,
    /** A link is read when the file it points to lies under the data folder; others are skipped, with a warning. */
    WITHIN_DATA_DIR
}
