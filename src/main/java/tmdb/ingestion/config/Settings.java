package tmdb.ingestion.config;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Typed access to the application's properties, with an error that names the property and the bad value.
 * Every default lives in {@code application.properties}; a missing key here means that file lost a default.
 */
public final class Settings {

    private final PropertiesComponent properties;

    public Settings(CamelContext context) {
        this.properties = context.getPropertiesComponent();
    }

    public String string(String key) {
        return properties.resolveProperty(key)
                .map(String::trim)
                .orElseThrow(() -> new ConfigurationException(key, "is not set; application.properties should "
                        + "hold its default"));
    }

    public int integer(String key) {
        String value = string(key);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigurationException(key, "must be a whole number, not '" + value + "'");
        }
    }

    public long longValue(String key) {
        String value = string(key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ConfigurationException(key, "must be a whole number, not '" + value + "'");
        }
    }

    private static final Pattern SIMPLE_DURATION = Pattern.compile("([0-9]{1,12})(ms|s|m|h|d)");

    /** A duration: ISO-8601 ({@code P7D}, {@code PT12H}) or a number with a unit ({@code 7d}, {@code 12h}, ...). */
    public Duration duration(String key) {
        String value = string(key);
        Matcher simple = SIMPLE_DURATION.matcher(value);
        try {
            if (simple.matches()) {
                long amount = Long.parseLong(simple.group(1));
                return switch (simple.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            }
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new ConfigurationException(key, "must be a duration such as 7d, 12h, 90s or P7D, not '" + value
                    + "'");
        }
    }

    public boolean bool(String key) {
        String value = string(key);
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new ConfigurationException(key, "must be true or false, not '" + value + "'");
    }

    public Instant instant(String key, String value) {
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new ConfigurationException(key, "must be an ISO-8601 instant such as 2026-01-14T08:03:11Z, not '"
                    + value + "'");
        }
    }

    public <E extends Enum<E>> E choice(String key, Class<E> type) {
        String value = string(key);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().replace('_', '-').equalsIgnoreCase(value)) {
                return constant;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (E constant : type.getEnumConstants()) {
            allowed.append(allowed.length() == 0 ? "" : ", ").append(constant.name().toLowerCase().replace('_', '-'));
        }
        throw new ConfigurationException(key, "must be one of " + allowed + ", not '" + value + "'");
    }

    /** Every property whose key starts with the prefix, keyed by the rest of the key, values resolved. */
    public Map<String, String> withPrefix(String prefix) {
        Properties loaded = properties.loadProperties(key -> key.startsWith(prefix));
        Map<String, String> answer = new TreeMap<>();
        for (String key : loaded.stringPropertyNames()) {
            answer.put(key.substring(prefix.length()), string(key));
        }
        return answer;
    }
}
