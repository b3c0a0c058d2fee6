package tmdb.ingestion.content;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The objects whose reads are being tried again now, each with what failed and which retry comes next, for readiness;
 * and how many retries there were in all. Every reader of the bucket's objects shares one.
 */
public final class ObjectRetries {

    private final Map<String, String> retrying = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();

    /** A read of the object waits for a retry: what failed, and which retry comes next. */
    public void retrying(StoredObject object, String what) {
        retrying.put(object.uri(), what);
        total.incrementAndGet();
    }

    /** The object is read on, or its failure is its reader's now: it is no longer waiting for a retry. */
    public void over(StoredObject object) {
        retrying.remove(object.uri());
    }

    /** The objects waiting for a retry, by name, with what failed. */
    public Map<String, String> current() {
        return new TreeMap<>(retrying);
    }

    /** Retries made since the start. */
    public long total() {
        return total.get();
    }
}
