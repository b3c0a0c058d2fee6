import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tmdb.ingestion.content.LocalFileContent;
import tmdb.ingestion.file.JsonlLineReader;
import tmdb.ingestion.file.SourceLine;
import tmdb.ingestion.preprocessor.RecordEnricher;

/**
 * The benchmark's floor: the application's work for each record (read the line with its reader, walk it with
 * Jackson's streaming parser to validate it and find the id, splice the three fields in, send it keyed to its
 * type's topic with a delivery callback), on one thread, without Camel's exchanges, without mixing. What is left
 * between this and the application is what routing each record through Camel costs.
 *
 *   java -cp FLOOR_CLASSES:tmdb-ingestion.jar Floor DATA_DIR BOOTSTRAP acks compression linger-ms batch-size max-request
 */
public final class Floor {

    private static final Map<String, String> TOPICS =
            Map.of("movie", "tmdb.movies.raw", "tv_series", "tmdb.tv_series.raw", "person", "tmdb.people.raw");

    public static void main(String[] args) throws Exception {
        Properties config = new Properties();
        config.put("bootstrap.servers", args[1]);
        config.put("acks", args[2]);
        config.put("enable.idempotence", "true");
        config.put("compression.type", args[3]);
        config.put("linger.ms", args[4]);
        config.put("batch.size", args[5]);
        config.put("max.request.size", args[6]);
        JsonFactory json = JsonFactory.builder().build();
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(Path.of(args[0]))) {
            files = walk.filter(file -> file.toString().endsWith(".jsonl")).sorted().toList();
        }
        try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (Path file : files) {
                String type = file.getParent().getParent().getFileName().toString();
                String label = file.getParent().getFileName().toString();
                try (LocalFileContent content = LocalFileContent.open(file)) {
                    JsonlLineReader reader = JsonlLineReader.from(content, 0, 0, 16 << 20, () -> false,
                            JsonlLineReader.ANY_SIZE);
                    while (reader.hasNext()) {
                        SourceLine line = reader.next();
                        long id = idOf(json, line.bytes(), type + "_id");
                        String timestamp = Instant.ofEpochSecond(1_735_689_600L + line.number() % 31_536_000).toString();
                        producer.send(new ProducerRecord<>(TOPICS.get(type), Long.toString(id),
                                        RecordEnricher.splice(line.bytes(), type, label, timestamp)),
                                (metadata, error) -> (error == null ? acknowledged : failed).incrementAndGet());
                    }
                }
            }
        }
        System.out.println("acknowledged " + acknowledged + ", failed " + failed);
    }

    private static long idOf(JsonFactory json, byte[] value, String idField) throws Exception {
        long id = -1;
        try (JsonParser parser = json.createParser(value)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                if (parser.nextToken() == JsonToken.VALUE_NUMBER_INT && name.equals(idField)) {
                    id = parser.getLongValue();
                }
                parser.skipChildren();
            }
        }
        return id;
    }
}
