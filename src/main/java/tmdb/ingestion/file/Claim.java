package tmdb.ingestion.file;

/**
 * A file announced in a files partition this instance owns, as the announcement says: data from a topic, checked
 * before anything is read ({@link ClaimCheck}).
 *
 * @param identity  the path under the data folder the announcement names, or an object's {@code s3://} name
 * @param offset    the announcement's offset in its partition, for messages
 * @param size      the size the announcement gives (an object's, as listed), or -1
 * @param eTag      the ETag the announcement gives an object, or null
 */
public record Claim(String identity, String type, String label, int partition, long offset, long size, String eTag) {

    /** The claim of a file in a folder: its size and content are taken from the file when it is opened. */
    public Claim(String identity, String type, String label, int partition, long offset) {
        this(identity, type, label, partition, offset, -1, null);
    }
}
