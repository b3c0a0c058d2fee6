package tmdb.ingestion.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tmdb.ingestion.IngestionApplication;

/**
 * The application in a JVM of its own, as a user runs it: arguments, environment variables, its log in a file,
 * SIGTERM to stop it.
 */
public final class ApplicationProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ApplicationProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static ApplicationProcess start(Path log, Map<String, String> environment, String... args) throws IOException {
        return start(log, environment, List.of("-Xmx512m"), args);
    }

    /**
     * Every application under test starts with the JVM options the README's quick start gives it (a broken options
     * file fails these tests), then compiles with C1 only: the tests' runs are short and paced, and on two cores the
     * C2 compiler threads of several processes at once take the CPU the broker and the other processes need.
     */
    private static final List<String> JVM_OPTIONS = List.of("@" + Path.of("config", "jvm.options").toAbsolutePath(),
            "-XX:TieredStopAtLevel=1");

    public static ApplicationProcess start(Path log, Map<String, String> environment, List<String> jvmOptions,
                                           String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(JVM_OPTIONS);
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), IngestionApplication.class.getName()));
        command.add("--ingestion.management.port=0");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        builder.environment().remove("INGESTION_MODE");
        builder.environment().remove("INGESTION_DATA_DIR");
        builder.environment().remove("INGESTION_PROFILE");
        builder.environment().putAll(environment);
        return new ApplicationProcess(builder.start(), log);
    }

    public long pid() {
        return process.pid();
    }

    public String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Waits until the log matches the pattern and returns the first group (or the whole match). */
    public String awaitLog(Pattern pattern, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher matcher = pattern.matcher(output());
            if (matcher.find()) {
                return matcher.groupCount() > 0 ? matcher.group(1) : matcher.group();
            }
            if (!process.isAlive() && !pattern.matcher(output()).find()) {
                throw new AssertionError("The application exited (" + process.exitValue() + ") before logging "
                        + pattern + ":\n" + output());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("The application did not log " + pattern + " within " + timeout + ":\n" + output());
    }

    /** Waits up to the timeout for the process to exit; true when it did (it is left running otherwise). */
    public boolean exitedWithin(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits for the process to exit and returns its status. */
    public int awaitExit(Duration timeout) throws InterruptedException, IOException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("The application did not exit within " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    /** Sends SIGTERM, as a container runtime or Ctrl-C would. */
    public void terminate() {
        process.destroy();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
