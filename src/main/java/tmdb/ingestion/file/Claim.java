package tmdb.ingestion.file;

/**
 * A file announced in a files partition this instance owns, as the announcement says: data from a topic, checked
 * before anything is read ({@link ClaimCheck}).
 *
 * @param identity  the path under the data folder the announcement names
 * @param offset    the announcement's offset in its partition, for messages
 */
public record Claim(String identity, String type, String label, int partition, long offset) {
}
