/** Records in flight: one line of a source file on its way to Kafka, and the memory budget all of them share. */
package tmdb.ingestion.record;
