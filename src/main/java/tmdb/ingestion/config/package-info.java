/** Configuration: where properties come from, and the per-type and per-label settings read from them. */
package tmdb.ingestion.config;
