/** Preprocessor: parses and validates each line, adds ingestion metadata and the event-time timestamp. */
package tmdb.ingestion.preprocessor;
