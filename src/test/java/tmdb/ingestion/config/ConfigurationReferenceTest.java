package tmdb.ingestion.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code application.properties} is the one reference of the settings (the README links to it instead of repeating
 * it): every setting the code reads has its default there, every setting there is read, and each one says what it
 * does in a comment above it.
 */
class ConfigurationReferenceTest {

    private static final Path PROPERTIES = Path.of("application.properties");
    private static final Path SOURCES = Path.of("src/main/java");
    /** A setting read through {@link Settings}, or a property placeholder in a route or a property value. */
    private static final Pattern READ = Pattern.compile(
            "settings\\.\\w+\\(\\s*\"((?:ingestion|kafka)\\.[a-z0-9_.-]+)\"|\\{\\{((?:ingestion|kafka)\\.[a-z0-9_.-]+)"
                    + "(?::[^}]*)?}}");
    /** Settings read by their prefix: one per type, one per label. */
    private static final List<String> FAMILIES = List.of(TypeCatalog.PREFIX, EventTimeWindows.PREFIX);

    /** The keys of the file, in order, each with the comment lines of its paragraph before it. */
    private static Map<String, List<String>> documentedKeys() throws IOException {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        List<String> comment = new ArrayList<>();
        for (String line : Files.readAllLines(PROPERTIES)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                comment = new ArrayList<>();
            } else if (trimmed.startsWith("#")) {
                comment.add(trimmed);
            } else {
                keys.put(trimmed.substring(0, trimmed.indexOf('=')).strip(), List.copyOf(comment));
            }
        }
        return keys;
    }

    private static Set<String> readByTheCode() throws IOException {
        Set<String> read = new TreeSet<>();
        List<String> texts = new ArrayList<>(List.of(Files.readString(PROPERTIES)));
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                texts.add(Files.readString(file));
            }
        }
        for (String text : texts) {
            Matcher matcher = READ.matcher(text);
            while (matcher.find()) {
                read.add(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
            }
        }
        return read;
    }

    private static boolean applicationSetting(String key) {
        return key.startsWith("ingestion.") || key.startsWith("kafka.");
    }

    @Test
    void everySettingTheCodeReadsHasItsDefaultInApplicationProperties() throws IOException {
        Set<String> defined = documentedKeys().keySet();

        assertThat(readByTheCode()).isNotEmpty().allSatisfy(key ->
                assertThat(defined).as("settings in application.properties").contains(key));
    }

    @Test
    void everyApplicationSettingInTheFileIsReadByTheCode() throws IOException {
        Set<String> read = readByTheCode();
        String sources;
        try (Stream<Path> files = Files.walk(SOURCES)) {
            StringBuilder all = new StringBuilder();
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                all.append(Files.readString(file));
            }
            sources = all.toString();
        }

        assertThat(documentedKeys().keySet()).filteredOn(ConfigurationReferenceTest::applicationSetting)
                .allSatisfy(key -> assertThat(read.contains(key) || sources.contains("\"" + key + "\"")
                        || FAMILIES.stream().anyMatch(key::startsWith))
                        .as("%s is read somewhere in %s", key, SOURCES).isTrue());
    }

    @Test
    void everyApplicationSettingSaysWhatItDoes() throws IOException {
        assertThat(documentedKeys()).allSatisfy((key, comment) -> {
            if (applicationSetting(key)) {
                assertThat(comment).as("the comment above %s in application.properties", key).isNotEmpty();
            }
        });
    }
}
