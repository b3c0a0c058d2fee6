/** The embedded single-node KRaft Kafka broker used as a development default when no cluster is configured. */
package tmdb.ingestion.broker;
