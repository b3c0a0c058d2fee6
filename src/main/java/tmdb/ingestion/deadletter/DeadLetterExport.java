package tmdb.ingestion.deadletter;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import tmdb.ingestion.RecordHeaders;
import tmdb.ingestion.config.CommandLine;

/**
 * Writes the dead letters back into JSONL files, in the collector's layout ({@code <out>/<type>/<label>/}), so
 * that once fixed they can be dropped into the watched folders and ingested like any file. Each line is the
 * dead letter's value: the original bytes as they were read. Dead letters that hold only the first bytes of their
 * line (too long) cannot be replayed from Kafka; they are listed, with their source file and line, in a
 * {@code truncated} report instead.
 * <p>
 * A consumer group remembers what was exported, so each run exports only the dead letters that arrived since; an
 * export limited to some reasons has a group of its own.
 * <p>
 * Usage: {@code java -cp tmdb-ingestion.jar tmdb.ingestion.deadletter.DeadLetterExport --out=DIR
 * [--bootstrap=HOST:PORT] [--topic=tmdb.ingestion.dlq] [--reason=CODE[,CODE...]] [--group=NAME]}
 */
public final class DeadLetterExport {

    private final String bootstrap;
    private final String topic;
    private final String group;
    private final Set<String> reasons;
    private final Path out;

    public DeadLetterExport(String bootstrap, String topic, String group, Set<String> reasons, Path out) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.group = group;
        this.reasons = reasons;
        this.out = out;
    }

    /** What an export wrote: lines per file, and the truncated dead letters listed in the report. */
    public record Result(Map<Path, Long> files, long truncated, Path truncatedReport, long skipped) {
    }

    public Result export() throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Map<Path, OutputStream> writers = new LinkedHashMap<>();
        Map<Path, Long> lines = new TreeMap<>();
        Path report = out.resolve("dead-letters-" + stamp + "-truncated.tsv");
        long truncated = 0;
        long skipped = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer();
             Writer truncatedReport = Files.newBufferedWriter(Files.createDirectories(out).resolve(report.getFileName()),
                     StandardCharsets.UTF_8)) {
            truncatedReport.write("source_file\tsource_line\treason\toriginal_length\n");
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    String reason = header(record, DeadLetterHeaders.REASON);
                    if (!reasons.isEmpty() && !reasons.contains(reason)) {
                        skipped++;
                    } else if (Boolean.parseBoolean(header(record, DeadLetterHeaders.TRUNCATED))) {
                        truncated++;
                        truncatedReport.write(String.join("\t", header(record, RecordHeaders.SOURCE_FILE),
                                header(record, RecordHeaders.SOURCE_LINE), reason,
                                header(record, DeadLetterHeaders.ORIGINAL_LENGTH)) + "\n");
                    } else {
                        Path file = out.resolve(header(record, RecordHeaders.DATA_TYPE))
                                .resolve(header(record, RecordHeaders.DATA_LABEL))
                                .resolve("dead-letters-" + stamp + ".jsonl");
                        OutputStream writer = writers.get(file);
                        if (writer == null) {
                            Files.createDirectories(file.getParent());
                            writer = new BufferedOutputStream(Files.newOutputStream(partial(file)));
                            writers.put(file, writer);
                        }
                        writer.write(record.value());
                        writer.write('\n');
                        lines.merge(file, 1L, Long::sum);
                    }
                }
            }
            for (Map.Entry<Path, OutputStream> writer : writers.entrySet()) {
                writer.getValue().close();
                Files.move(partial(writer.getKey()), writer.getKey(), StandardCopyOption.ATOMIC_MOVE);
            }
            consumer.commitSync();
        }
        if (truncated == 0) {
            Files.delete(report);
        }
        return new Result(lines, truncated, truncated == 0 ? null : report, skipped);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Written under a temporary name, renamed when complete: safe to export straight into a watched folder. */
    private static Path partial(Path file) {
        return file.resolveSibling(file.getFileName() + ".part");
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "unknown" : new String(header.value(), StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = CommandLine.parseOrExit("--out=DIR [--bootstrap=HOST:PORT] "
                + "[--topic=tmdb.ingestion.dlq] [--reason=CODE[,CODE...]] [--group=NAME]", args);
        if (!options.containsKey("out")) {
            System.err.println("--out=DIR is required: the folder to write the dead letters to");
            System.exit(2);
        }
        String bootstrap = options.getOrDefault("bootstrap",
                System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"));
        String topic = options.getOrDefault("topic", "tmdb.ingestion.dlq");
        Set<String> reasons = options.containsKey("reason") ? Set.of(options.get("reason").split(",")) : Set.of();
        String group = options.getOrDefault("group", defaultGroup(reasons));
        Result result = new DeadLetterExport(bootstrap, topic, group, reasons, Path.of(options.get("out"))).export();
        result.files().forEach((file, count) -> System.out.println("Wrote " + count + " dead letters to " + file));
        if (result.truncated() > 0) {
            System.out.println(result.truncated() + " dead letters hold only the first bytes of their line and cannot "
                    + "be replayed from Kafka; their source files and lines are listed in " + result.truncatedReport());
        }
        if (result.skipped() > 0) {
            System.out.println(result.skipped() + " dead letters of other reasons were passed over");
        }
        if (result.files().isEmpty() && result.truncated() == 0) {
            System.out.println("No new dead letters on " + topic + " for group " + group);
        }
    }

    /** One group per set of reasons: an export of some reasons must not mark the others as exported. */
    private static String defaultGroup(Set<String> reasons) {
        return "tmdb-ingestion-dead-letter-export" + (reasons.isEmpty() ? "" : "-" + String.join("-", new TreeSet<>(reasons)));
    }
}
