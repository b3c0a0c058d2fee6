package tmdb.ingestion;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's command, {@code java @config/jvm.options -jar target/tmdb-ingestion.jar} from the project's folder,
 * maps the application's classes from the class-data-sharing archive {@code mvn package} wrote for the jar, instead
 * of loading them from the jar; and a jar the archive was not written for starts without it and says nothing of it.
 */
class ClassDataSharingIT {

    private static final Path JAR = Path.of("target", "tmdb-ingestion.jar");
    private static final Pattern LOADED = Pattern.compile("\\[class,load] \\S+ source: (.+)$", Pattern.MULTILINE);

    @TempDir
    Path dir;

    /** What the JVM printed, starting this jar from the project's folder with these options and a wrong argument. */
    private static String start(Path jar, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + Path.of("config", "jvm.options")));
        command.addAll(List.of(options));
        command.addAll(List.of("-jar", jar.toString(), "--not-an-option"));
        Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(java.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).as("it started and refused the argument")
                .contains("Unrecognised argument '--not-an-option'");
        return output;
    }

    @Test
    void theReadmesCommandMapsTheApplicationsClassesFromTheArchiveThePackageWrote() throws Exception {
        String output = start(JAR, "-Xlog:class+load=info");
        long fromArchive = 0;
        long fromJar = 0;
        Matcher loaded = LOADED.matcher(output);
        while (loaded.find()) {
            String source = loaded.group(1);
            fromArchive += source.equals("shared objects file (top)") ? 1 : 0;
            fromJar += source.contains("tmdb-ingestion.jar") ? 1 : 0;
        }
        System.out.printf("a start of the jar: %d classes from its archive, %d from the jar (under 5%%)%n",
                fromArchive, fromJar);
        assertThat(fromArchive).as("classes mapped from the archive").isPositive();
        assertThat(fromJar).as("classes still loaded from the jar").isLessThan((fromArchive + fromJar) / 20);
    }

    @Test
    void aJarTheArchiveWasNotWrittenForStartsWithoutItAndSaysNothingOfIt() throws Exception {
        Path copy = Files.copy(JAR, dir.resolve("tmdb-ingestion.jar"));

        String output = start(copy, "-Xlog:class+load=info");

        assertThat(output).as("no class from the archive").doesNotContain("shared objects file (top)")
                .as("no word of it").doesNotContain("[cds").doesNotContain("shared archive");
    }
}
