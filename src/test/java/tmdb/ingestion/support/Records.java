package tmdb.ingestion.support;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.errors.TimeoutException;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.file.JsonlLineReader;
import tmdb.ingestion.file.SourceLine;
import tmdb.ingestion.file.TrackedFile;
import tmdb.ingestion.producer.KafkaAvailability;
import tmdb.ingestion.record.Record;

/** Records for unit tests: lines of a file that is not on disk, or of a small file read and admitted. */
public final class Records {

    private static final InFlightBudget BUDGET = new InFlightBudget(Integer.MAX_VALUE);

    private Records() {
    }

    /** Line {@code number} of {@code file} (type and label taken from its folders), {@code length} bytes long. */
    public static Record record(String file, long number, byte[] bytes, long length) {
        String[] folders = file.split("/");
        return new Record(new TrackedFile(file, folders[0], folders[1], null, null, null, 0),
                new SourceLine(number, bytes, length), 0, BUDGET, 0);
    }

    /** Line {@code number} of {@code file}, mixed by the given key. */
    public static Record mixed(String file, long number, long mixKey) {
        String[] folders = file.split("/");
        byte[] bytes = ("{\"line\": " + number + "}").getBytes(StandardCharsets.UTF_8);
        return new Record(new TrackedFile(file, folders[0], folders[1], null, null, null, 0),
                new SourceLine(number, bytes, bytes.length), mixKey, BUDGET, 0);
    }

    /**
     * A file of these lines under {@code dataDir}/movie/new, read to its end and admitted as the reading route does;
     * its records, each holding its share of the budget. The caller closes the file's channel.
     */
    public static List<Record> admittedFile(Path dataDir, String name, List<String> lines, InFlightBudget budget)
            throws IOException, InterruptedException {
        Path path = Files.createDirectories(dataDir.resolve("movie/new")).resolve(name);
        Files.writeString(path, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        FileChannel channel = FileChannel.open(path);
        TrackedFile file = new TrackedFile("movie/new/" + name, "movie", "new", path, channel, "key", 0);
        JsonlLineReader reader = JsonlLineReader.from(channel, 0, 0, 1 << 20, () -> false, () -> true);
        file.startReading(reader);
        List<SourceLine> chunk = new ArrayList<>();
        reader.forEachRemaining(chunk::add);
        budget.acquire(chunk.stream().mapToInt(line -> budget.share(line.bytes().length)).sum());
        file.admit(chunk);
        file.readingEnded(reader, channel.size());
        List<Record> records = new ArrayList<>();
        for (SourceLine line : chunk) {
            records.add(new Record(file, line, line.number(), budget, budget.share(line.bytes().length)));
        }
        return records;
    }

    /** Topic lookups of a MockProducer's cluster: it has no admin side, so failures read as Kafka being away. */
    public static KafkaAvailability.TopicLookup clusterThatDoesNotAnswer() {
        return new KafkaAvailability.TopicLookup() {
            @Override
            public CompletableFuture<Set<String>> missingAmong(Collection<String> names) {
                return CompletableFuture.failedFuture(new TimeoutException("no admin side"));
            }

            @Override
            public String describe(String topic) {
                return "Topic " + topic;
            }
        };
    }

    /** Line 7 of {@code movie/new/a.jsonl}. */
    public static Record record(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return record("movie/new/a.jsonl", 7, bytes, bytes.length);
    }
}
