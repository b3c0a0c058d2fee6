package tmdb.ingestion.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The watched folders, as declared by {@code camel.route-template[<id>]} entries of the folder template: each
 * entry makes one folder route, and names the type and label of the records in its folder.
 */
public final class FolderRoutes {

    public static final String TEMPLATE_ID = "jsonl-folder";
    private static final String PREFIX = "camel.route-template[";

    /** One watched folder. */
    public record FolderRoute(String routeId, String type, String label, String folder) {
    }

    private FolderRoutes() {
    }

    public static List<FolderRoute> from(Settings settings) {
        Map<String, Map<String, String>> entries = new TreeMap<>();
        settings.withPrefix(PREFIX).forEach((key, value) -> {
            int close = key.indexOf("].");
            if (close > 0) {
                entries.computeIfAbsent(key.substring(0, close), id -> new TreeMap<>())
                        .put(key.substring(close + 2), value);
            }
        });
        List<FolderRoute> routes = new ArrayList<>();
        entries.forEach((id, parameters) -> {
            if (!TEMPLATE_ID.equals(parameters.get("template-id"))) {
                return;
            }
            routes.add(new FolderRoute(id, require(id, parameters, "type"), require(id, parameters, "label"),
                    require(id, parameters, "folder")));
        });
        return routes;
    }

    private static String require(String id, Map<String, String> parameters, String name) {
        String value = parameters.get(name);
        if (value == null || value.isBlank()) {
            throw new ConfigurationException(PREFIX + id + "]." + name, "is not set: every folder route needs "
                    + "a type, a label and a folder");
        }
        return value;
    }
}
