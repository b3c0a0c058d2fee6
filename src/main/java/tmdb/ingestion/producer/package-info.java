/** Producer: sends each record to the Kafka topic of its type, keyed by its TMDB id, with retries. */
package tmdb.ingestion.producer;
