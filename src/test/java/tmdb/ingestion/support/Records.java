package tmdb.ingestion.support;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.errors.TimeoutException;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.file.SourceLine;
import tmdb.ingestion.file.SourceFile;
import tmdb.ingestion.producer.KafkaAvailability;
import tmdb.ingestion.record.Record;

/** Records for unit tests: lines of a file that is not on disk (see {@link LifecycleFixture} for files that are). */
public final class Records {

    private static final InFlightBudget BUDGET = new InFlightBudget(Integer.MAX_VALUE);

    private Records() {
    }

    /** Line {@code number} of {@code file} (type and label taken from its folders), {@code length} bytes long. */
    public static Record record(String file, long number, byte[] bytes, long length) {
        String[] folders = file.split("/");
        return new Record(SourceFile.of(1, file, folders[0], folders[1], 0), new SourceLine(number, bytes, length), 0,
                BUDGET, 0);
    }

    /** Line {@code number} of {@code file}, mixed by the given key. */
    public static Record mixed(String file, long number, long mixKey) {
        String[] folders = file.split("/");
        byte[] bytes = ("{\"line\": " + number + "}").getBytes(StandardCharsets.UTF_8);
        return new Record(SourceFile.of(1, file, folders[0], folders[1], 0),
                new SourceLine(number, bytes, bytes.length), mixKey, BUDGET, 0);
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

    /** Topic lookups of a cluster that has every topic asked for. */
    public static KafkaAvailability.TopicLookup clusterWithEveryTopic() {
        return new KafkaAvailability.TopicLookup() {
            @Override
            public CompletableFuture<Set<String>> missingAmong(Collection<String> names) {
                return CompletableFuture.completedFuture(Set.of());
            }

            @Override
            public String describe(String topic) {
                return topic;
            }
        };
    }

    /** Line 7 of {@code movie/new/a.jsonl}. */
    public static Record record(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return record("movie/new/a.jsonl", 7, bytes, bytes.length);
    }
}
