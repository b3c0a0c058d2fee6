package tmdb.ingestion.loader;

import java.util.Set;
import java.util.TreeSet;
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

    /** Those of these folder routes that have not yet polled and found nothing new. */
    public Set<String> notYetIdle(Set<String> routeIds) {
        Set<String> notYet = new TreeSet<>(routeIds);
        notYet.removeAll(idle);
        return notYet;
    }
}
