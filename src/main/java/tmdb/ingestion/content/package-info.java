/** Where a source file's bytes are read from, by position, whatever holds them: a local file's channel today. */
package tmdb.ingestion.content;
