package tmdb.ingestion.group;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this instance waits for from Kafka before it can do its work, and why: the start (Kafka not reachable yet),
 * files partitions being taken (their transactional ids, their checkpoints). Readiness is down while anything waits,
 * and says what; nothing that waits here has a limit that stops the instance.
 */
public final class KafkaWaits {

    private final Map<String, String> waits = new ConcurrentHashMap<>();

    /** Something waits for Kafka: what, and the last reason. */
    public void waiting(String what, String why) {
        waits.put(what, why);
    }

    public void done(String what) {
        waits.remove(what);
    }

    /** What waits now, and why, in a stable order. */
    public Map<String, String> current() {
        return new TreeMap<>(waits);
    }
}
