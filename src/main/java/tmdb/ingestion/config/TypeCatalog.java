package tmdb.ingestion.config;

import java.util.Map;
import java.util.TreeMap;

/**
 * The record types, read from {@code ingestion.type.<type>.topic}, {@code ingestion.type.<type>.id-field}
 * (default {@code <type>_id}) and {@code ingestion.type.<type>.detail-field} (default {@code <type>_detail}).
 * A new type takes properties only.
 */
public final class TypeCatalog {

    public static final String PREFIX = "ingestion.type.";

    private final Map<String, RecordType> types;

    public TypeCatalog(Map<String, RecordType> types) {
        this.types = Map.copyOf(types);
    }

    public static TypeCatalog from(Settings settings) {
        Map<String, String> entries = settings.withPrefix(PREFIX);
        Map<String, RecordType> types = new TreeMap<>();
        for (String key : entries.keySet()) {
            int dot = key.indexOf('.');
            if (dot <= 0) {
                throw new ConfigurationException(PREFIX + key, "is not of the form " + PREFIX + "<type>.<setting>");
            }
            String type = key.substring(0, dot);
            types.computeIfAbsent(type, name -> {
                String topic = entries.get(name + ".topic");
                if (topic == null || topic.isBlank()) {
                    throw new ConfigurationException(PREFIX + name + ".topic", "is not set: every type needs the "
                            + "topic its records go to");
                }
                String idField = entries.getOrDefault(name + ".id-field", name + "_id");
                String detailField = entries.getOrDefault(name + ".detail-field", name + "_detail");
                return new RecordType(name, topic, idField, detailField);
            });
        }
        return new TypeCatalog(types);
    }

    public RecordType require(String type) {
        RecordType answer = types.get(type);
        if (answer == null) {
            throw new ConfigurationException(PREFIX + type + ".topic", "is not set: type '" + type + "' has a "
                    + "folder route but no topic");
        }
        return answer;
    }

    public Map<String, RecordType> all() {
        return types;
    }
}
