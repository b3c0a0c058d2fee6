package tmdb.ingestion.config;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The event-time window of each label, from {@code ingestion.label.<label>.event-time-window=<start>/<end>}
 * (ISO-8601 instants, both inclusive). The defaults put {@code change} after {@code old}, so a change always
 * carries a later timestamp than the old version of the same id.
 */
public final class EventTimeWindows {

    public static final String PREFIX = "ingestion.label.";
    public static final String SUFFIX = ".event-time-window";

    /** One label's window, both ends inclusive, to the second. */
    public record Window(Instant start, Instant end) {
        public long seconds() {
            return end.getEpochSecond() - start.getEpochSecond() + 1;
        }
    }

    private final Map<String, Window> windows;

    public EventTimeWindows(Map<String, Window> windows) {
        this.windows = Map.copyOf(windows);
    }

    public static EventTimeWindows from(Settings settings) {
        Map<String, Window> windows = new TreeMap<>();
        settings.withPrefix(PREFIX).forEach((key, value) -> {
            if (!key.endsWith(SUFFIX)) {
                return;
            }
            String label = key.substring(0, key.length() - SUFFIX.length());
            String property = PREFIX + key;
            int slash = value.indexOf('/');
            if (slash < 0) {
                throw new ConfigurationException(property, "must be <start>/<end>, e.g. "
                        + "2025-01-01T00:00:00Z/2025-12-31T23:59:59Z, not '" + value + "'");
            }
            Instant start = settings.instant(property, value.substring(0, slash));
            Instant end = settings.instant(property, value.substring(slash + 1));
            if (end.isBefore(start)) {
                throw new ConfigurationException(property, "ends before it starts: '" + value + "'");
            }
            windows.put(label, new Window(start, end));
        });
        return new EventTimeWindows(windows);
    }

    public Window require(String label) {
        Window answer = windows.get(label);
        if (answer == null) {
            throw new ConfigurationException(PREFIX + label + SUFFIX, "is not set: label '" + label + "' has a "
                    + "folder route but no event-time window");
        }
        return answer;
    }
}
