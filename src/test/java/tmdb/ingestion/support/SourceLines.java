package tmdb.ingestion.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import static tmdb.ingestion.support.TopicReader.header;

/**
 * Lines named as the application names them, {@code <type>/<label>/<file>:<line>}: those of a data set's files
 * (wherever they are now, in place or in {@code .done/}), and those the records on Kafka came from.
 */
public final class SourceLines {

    private SourceLines() {
    }

    /** Every line of every data file under the data folder (compressed ones decompressed). */
    public static Set<String> of(Path data) throws IOException {
        return of(data, file -> true);
    }

    /** Every line of the data files under the data folder that the filter accepts. */
    public static Set<String> of(Path data, Predicate<Path> filter) throws IOException {
        Set<String> lines = new HashSet<>();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.filter(SourceLines::isDataFile).filter(filter).toList()) {
                String name = data.relativize(file).toString().replace("/.done/", "/");
                long count = CompressedFiles.lines(file);
                for (long line = 1; line <= count; line++) {
                    lines.add(name + ":" + line);
                }
            }
        }
        return lines;
    }

    /** A data set's file: JSON lines, plain or compressed. */
    public static boolean isDataFile(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".jsonl") || name.endsWith(".jsonl.gz") || name.endsWith(".jsonl.zst");
    }

    /** The source lines the records came from, from their headers. */
    public static Set<String> of(List<ConsumerRecord<String, byte[]>> records) {
        Set<String> lines = new HashSet<>();
        records.forEach(record -> lines.add(header(record, "source_file") + ":" + header(record, "source_line")));
        return lines;
    }

    /**
     * The expected lines that are not among the delivered ones, in order: assertions on this stay linear (AssertJ's
     * {@code containsAll} searches the whole actual collection for each expected line).
     */
    public static Set<String> missing(Set<String> expected, Set<String> delivered) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(delivered);
        return missing;
    }

    public static boolean inDone(Path file) {
        return file.getParent().getFileName().toString().equals(".done");
    }
}
