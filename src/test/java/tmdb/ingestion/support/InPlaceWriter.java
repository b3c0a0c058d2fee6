package tmdb.ingestion.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A collector that writes a JSONL file in place, as a process of its own: {@code java InPlaceWriter FILE TYPE
 * hold|reopen STEP...}. With {@code hold} it keeps the file open from the first write to the last (as a crawler
 * writing its output does); with {@code reopen} it opens the file by its name, appends and closes it at every
 * step (as {@code >>} in a shell does). Steps:
 * <ul>
 * <li>{@code lines:N:FIRST} writes N whole lines, ids FIRST, FIRST+1, ...;</li>
 * <li>{@code every:MS:N:FIRST} writes N whole lines one every MS milliseconds;</li>
 * <li>{@code half:ID} writes the first half of line ID, {@code rest:ID} its second half and its line ending;</li>
 * <li>{@code sleep:MS} pauses;</li>
 * <li>{@code await} waits for a line on standard input (the test says when).</li>
 * </ul>
 * Every line is one record with a unique id, so a test can tell which lines arrived.
 */
public final class InPlaceWriter {

    private final Path file;
    private final String type;
    private final boolean hold;
    private OutputStream out;

    private InPlaceWriter(Path file, String type, boolean hold) {
        this.file = file;
        this.type = type;
        this.hold = hold;
    }

    /** The record of an id, as the writer writes it (without the line ending). */
    public static String record(String type, long id) {
        return "{\"" + type + "_id\": " + id + ", \"" + type + "_detail\": {\"title\": \"written in place " + id
                + "\"}, \"casts_info\": [], \"crews_info\": []}";
    }

    /** The ids a list of steps writes. */
    public static List<Long> ids(List<String> steps) {
        List<Long> ids = new ArrayList<>();
        for (String step : steps) {
            String[] parts = step.split(":");
            switch (parts[0]) {
                case "lines" -> range(ids, Long.parseLong(parts[2]), Integer.parseInt(parts[1]));
                case "every" -> range(ids, Long.parseLong(parts[3]), Integer.parseInt(parts[2]));
                case "rest" -> ids.add(Long.parseLong(parts[1]));
                default -> { }
            }
        }
        return ids;
    }

    private static void range(List<Long> ids, long first, int count) {
        for (long id = first; id < first + count; id++) {
            ids.add(id);
        }
    }

    public static void main(String[] args) throws Exception {
        InPlaceWriter writer = new InPlaceWriter(Path.of(args[0]), args[1], args[2].equals("hold"));
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (int i = 3; i < args.length; i++) {
            String[] step = args[i].split(":");
            switch (step[0]) {
                case "lines" -> writer.lines(Long.parseLong(step[2]), Integer.parseInt(step[1]), 0);
                case "every" -> writer.lines(Long.parseLong(step[3]), Integer.parseInt(step[2]),
                        Long.parseLong(step[1]));
                case "half" -> writer.write(half(writer.type, Long.parseLong(step[1]), true));
                case "rest" -> writer.write(half(writer.type, Long.parseLong(step[1]), false) + "\n");
                case "sleep" -> Thread.sleep(Long.parseLong(step[1]));
                case "await" -> commands.readLine();
                default -> throw new IllegalArgumentException("unknown step " + args[i]);
            }
        }
        if (writer.out != null) {
            writer.out.close();
        }
    }

    private static String half(String type, long id, boolean first) {
        String record = record(type, id);
        int middle = record.length() / 2;
        return first ? record.substring(0, middle) : record.substring(middle);
    }

    private void lines(long first, int count, long intervalMs) throws IOException, InterruptedException {
        for (long id = first; id < first + count; id++) {
            write(record(type, id) + "\n");
            if (intervalMs > 0) {
                Thread.sleep(intervalMs);
            }
        }
    }

    private void write(String text) throws IOException {
        if (out == null) {
            out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
        if (!hold) {
            out.close();
            out = null;
        }
    }

    /** Starts a writer process with the test's class path. */
    public static Process start(Path file, String type, boolean hold, List<String> steps, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), InPlaceWriter.class.getName(),
                file.toString(), type, hold ? "hold" : "reopen"));
        command.addAll(steps);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
