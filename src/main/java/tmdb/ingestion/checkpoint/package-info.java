/** Per-file progress kept in a compacted Kafka topic, so that a restart resumes each file after its last resolved line. */
package tmdb.ingestion.checkpoint;
