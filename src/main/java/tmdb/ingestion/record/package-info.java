/** Records in flight: one line of a source file on its way to Kafka, its headers, and why it may be rejected. */
package tmdb.ingestion.record;
