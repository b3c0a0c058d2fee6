/** Loader: polls the watched folders, reads files line by line and mixes all records into one random stream. */
package tmdb.ingestion.loader;
