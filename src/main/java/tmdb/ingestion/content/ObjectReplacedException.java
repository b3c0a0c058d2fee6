package tmdb.ingestion.content;

import java.io.IOException;

/**
 * The object under a key is no longer the one that was being read (S3 answered 412 to a ranged GET conditioned on
 * its ETag): what it holds now is another object, read from its start when it is listed; the rest of this one
 * cannot be read any more.
 */
public final class ObjectReplacedException extends IOException {

    ObjectReplacedException(StoredObject object, long position) {
        super(object.uri() + " was replaced while it was read (its ETag is no longer " + object.eTag()
                + "): reading stopped at byte " + position + " of " + object.size());
    }

    /** The object has the ETag it was listed with and another size than it was listed or announced with. */
    ObjectReplacedException(StoredObject object, String range) {
        super(object.uri() + " is not the object that was listed: it has other than the " + object.size()
                + " bytes its listing or announcement said (the store answered the range " + range + ")");
    }
}
