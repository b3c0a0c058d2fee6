/** Monitoring: run-wide counters, the periodic progress line, the final summary and the end of a once run. */
package tmdb.ingestion.monitor;
