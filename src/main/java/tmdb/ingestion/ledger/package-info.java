/** Per-file accounting of every line's outcome; decides when a file is fully delivered and may be moved. */
package tmdb.ingestion.ledger;
