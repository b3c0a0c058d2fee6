/** A file's lifecycle, one owner per file: picked up, read as it grows, each line's outcome counted, settled, moved. */
package tmdb.ingestion.file;
