package tmdb.ingestion.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * {@code config/jvm.options}, the JVM options the README's quick start runs the jar with (the container image, all but
 * the class-data-sharing archive's two lines, which its ahead-of-time cache replaces): the
 * JVM reads every option in it (comments included; a typo or an option this JVM dropped fails to start), each of C2's
 * thresholds it sets is above the JVM's own default, the collector is the parallel one, and the class-data-sharing
 * archive is the one {@code mvn package} writes.
 */
class JvmOptionsTest {

    private static final Path OPTIONS = Path.of("config", "jvm.options");
    /** A line of {@code -XX:+PrintFlagsFinal}: type, name, value, kind, origin. */
    private static final Pattern FLAG = Pattern.compile(
            "^\\s*\\S+\\s+(\\w+)\\s+=\\s+(\\S+)\\s+\\{[^}]*}\\s+\\{([^}]*)}", Pattern.MULTILINE);

    @Test
    void everyOptionIsReadRaisesTheCompilersThresholdsAndPicksTheParallelCollector() throws Exception {
        Map<String, String> inFile = optionsInFile();
        Map<String, String[]> withFile = finalFlags("@" + OPTIONS.toAbsolutePath());
        Map<String, String[]> defaults = finalFlags();

        inFile.forEach((name, value) -> assertThat(withFile.get(name)).as(name).containsExactly(value, "command line"));
        assertThat(inFile).containsEntry("UseParallelGC", "true")
                .as("the archive mvn package writes, mapped at every start (ClassDataSharingIT checks it is used)")
                .containsEntry("SharedArchiveFile", "target/tmdb-ingestion.jsa");
        Map<String, String> thresholds = new LinkedHashMap<>(inFile);
        thresholds.keySet().retainAll(List.of("Tier4InvocationThreshold", "Tier4MinInvocationThreshold",
                "Tier4CompileThreshold", "Tier4BackEdgeThreshold"));
        assertThat(thresholds).hasSize(4);
        thresholds.forEach((name, value) -> assertThat(Long.parseLong(value)).as(name + " against the JVM's default")
                .isGreaterThan(Long.parseLong(defaults.get(name)[0])));
    }

    /** The file's {@code -XX:Name=value} and {@code -XX:+Name} lines (as "true"), without its comments. */
    private static Map<String, String> optionsInFile() throws IOException {
        Map<String, String> options = new LinkedHashMap<>();
        for (String line : Files.readAllLines(OPTIONS, StandardCharsets.UTF_8)) {
            String option = line.replaceFirst("#.*", "").strip();
            if (option.isEmpty()) {
                continue;
            }
            assertThat(option).as("a line of %s", OPTIONS)
                    .matches("-XX:(\\w+=\\d+|\\+\\w+|SharedArchiveFile=\\S+)|-Xlog:cds\\*=off");
            if (option.startsWith("-Xlog:")) {
                // not a flag: a typo in it fails the JVM's start, which finalFlags asserts
                continue;
            }
            if (option.startsWith("-XX:+")) {
                options.put(option.substring("-XX:+".length()), "true");
            } else {
                String[] nameAndValue = option.substring("-XX:".length()).split("=", 2);
                options.put(nameAndValue[0], nameAndValue[1]);
            }
        }
        return options;
    }

    /** Each flag's final value and origin, as this JVM prints them with the given options. */
    private static Map<String, String[]> finalFlags(String... options) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(options));
        command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(java.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(java.exitValue()).as(output).isZero();
        Map<String, String[]> flags = new LinkedHashMap<>();
        Matcher flag = FLAG.matcher(output);
        while (flag.find()) {
            flags.put(flag.group(1), new String[] {flag.group(2), flag.group(3)});
        }
        return flags;
    }
}
