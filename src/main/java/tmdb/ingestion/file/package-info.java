/** A file's lifecycle: picked up, read as it grows, every line's outcome, settled and moved, one owner per file. */
package tmdb.ingestion.file;
