package tmdb.ingestion.loader;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which folder routes have polled and found nothing new: a once run is complete only after every folder did.
 */
public final class FolderPolls {

    private final Set<String> idle = ConcurrentHashMap.newKeySet();

    /** A folder route polled and found no new file. */
    public void idle(String routeId) {
        idle.add(routeId);
    }

    /** True once each of these folder routes has polled and found nothing new. */
    public boolean allIdle(Set<String> routeIds) {
        return idle.containsAll(routeIds);
    }
}
