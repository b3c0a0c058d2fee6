package tmdb.ingestion.config;

/**
 * A type of record and how it is published.
 *
 * @param name    the type, as in the folder name and the {@code data_type} field, e.g. {@code movie}
 * @param topic   the Kafka topic its records go to
 * @param idField     the field holding the TMDB id, e.g. {@code movie_id}
 * @param detailField the field holding TMDB's detail object, e.g. {@code movie_detail}
 */
public record RecordType(String name, String topic, String idField, String detailField) {
}
