package tmdb.ingestion.file;

import java.util.ArrayList;
import java.util.List;

/** How the lines of one file in one window ended, to be taken into the file's account at once. */
public final class FileOutcomes {

    private final List<Long> published = new ArrayList<>();
    private final List<Long> deadLettered = new ArrayList<>();
    private int notDelivered;

    public void published(long line) {
        published.add(line);
    }

    public void deadLettered(long line) {
        deadLettered.add(line);
    }

    /** A record Kafka did not take after every retry: its line stays unresolved for the checkpoint. */
    public void notDelivered() {
        notDelivered++;
    }

    List<Long> published() {
        return published;
    }

    List<Long> deadLettered() {
        return deadLettered;
    }

    int notDeliveredCount() {
        return notDelivered;
    }
}
