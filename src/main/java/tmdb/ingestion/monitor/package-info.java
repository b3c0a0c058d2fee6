/** Monitoring: health and metrics, the progress line, the summary, the status topic and the end of a once run. */
package tmdb.ingestion.monitor;
