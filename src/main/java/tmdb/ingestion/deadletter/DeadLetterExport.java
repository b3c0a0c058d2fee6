package tmdb.ingestion.deadletter;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

import org.apache.camel.CamelContext;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import tmdb.ingestion.config.CommandLine;
import tmdb.ingestion.config.ConfigurationException;
import tmdb.ingestion.config.FolderRoutes;
import tmdb.ingestion.config.KafkaClientSettings;
import tmdb.ingestion.config.PropertySources;
import tmdb.ingestion.config.Settings;
import tmdb.ingestion.record.RecordHeaders;

/**
 * Writes the dead letters back into JSONL files, in the collector's layout ({@code <out>/<type>/<label>/}), so
 * that once fixed they can be dropped into the watched folders and ingested like any file. Each line is the
 * dead letter's value: the original bytes as they were read. Dead letters that hold only the first bytes of their
 * line (too long) cannot be replayed from Kafka; they are listed, with their source file and line, in a
 * {@code truncated} report instead.
 * <p>
 * It reads the application's own settings (same files, profile, environment variables and {@code --name=value}
 * overrides): the cluster and its security settings, the dead-letter topic, and the watched folders. A dead letter
 * goes to the folder of its type and label only when the application watches that folder; any other (the headers
 * are whatever was written to the topic) goes to {@code <out>/unknown/}, counted, so nothing is written outside
 * {@code --out}. Files are written under a temporary name and never replace an existing file.
 * <p>
 * A consumer group remembers what was exported, so each run exports only the dead letters that arrived since; an
 * export limited to some reasons has a group of its own.
 * <p>
 * Usage: {@code java -cp tmdb-ingestion.jar tmdb.ingestion.deadletter.DeadLetterExport --out=DIR
 * [--profile=NAME] [--reason=CODE[,CODE...]] [--group=NAME] [--property.name=value ...]}
 */
public final class DeadLetterExport {

    /** Where dead letters of folders the application does not watch go, under {@code --out}. */
    public static final String UNKNOWN_FOLDER = "unknown";
    private static final String USAGE = "--out=DIR [--profile=NAME] [--reason=CODE[,CODE...]] [--group=NAME] "
            + "[--kafka.bootstrap-servers=HOST:PORT] [--ingestion.dead-letter.topic=NAME] [--any.property=value]";
    private static final Set<String> OPTIONS = Set.of("out", "reason", "group", PropertySources.PROFILE_ARGUMENT);

    private final Properties consumerConfig;
    private final String topic;
    private final Set<String> folders;
    private final Set<String> reasons;
    private final Path out;

    /**
     * @param consumerConfig the cluster, its security settings and the consumer group
     * @param folders        the watched folders, as {@code <type>/<label>}
     */
    public DeadLetterExport(Properties consumerConfig, String topic, Set<String> folders, Set<String> reasons,
                            Path out) {
        this.consumerConfig = consumerConfig;
        this.topic = topic;
        this.folders = folders;
        this.reasons = reasons;
        this.out = out.toAbsolutePath().normalize();
    }

    /** What an export wrote: lines per file, the truncated dead letters listed in the report, those passed over. */
    public record Result(Map<Path, Long> files, long truncated, Path truncatedReport, long skipped, long unknown) {
    }

    public Result export() throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")) + "-"
                + ProcessHandle.current().pid();
        Map<Path, OutputStream> writers = new LinkedHashMap<>();
        Map<Path, Long> lines = new TreeMap<>();
        Path report = partial(Files.createDirectories(out).resolve("dead-letters-" + stamp + "-truncated.tsv"));
        long truncated = 0;
        long skipped = 0;
        long unknown = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer();
             Writer truncatedReport = Files.newBufferedWriter(report, StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
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
                        String folder = header(record, RecordHeaders.DATA_TYPE) + "/"
                                + header(record, RecordHeaders.DATA_LABEL);
                        boolean watched = folders.contains(folder);
                        unknown += watched ? 0 : 1;
                        Path file = (watched ? out.resolve(folder) : out.resolve(UNKNOWN_FOLDER))
                                .resolve("dead-letters-" + stamp + ".jsonl");
                        OutputStream writer = writers.get(file);
                        if (writer == null) {
                            Files.createDirectories(file.getParent());
                            writer = new BufferedOutputStream(Files.newOutputStream(partial(file),
                                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
                            writers.put(file, writer);
                        }
                        writer.write(record.value());
                        writer.write('\n');
                        lines.merge(file, 1L, Long::sum);
                    }
                }
            }
            Map<Path, Long> written = new TreeMap<>();
            for (Map.Entry<Path, OutputStream> writer : writers.entrySet()) {
                writer.getValue().close();
                written.put(publish(writer.getKey()), lines.get(writer.getKey()));
            }
            lines = written;
            consumer.commitSync();
        }
        Path reportWritten = null;
        if (truncated == 0) {
            Files.delete(report);
        } else {
            reportWritten = publish(complete(report));
        }
        return new Result(lines, truncated, reportWritten, skipped, unknown);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties config = new Properties();
        config.putAll(consumerConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Written under a temporary name, renamed when complete: safe to export straight into a watched folder. */
    private static Path partial(Path file) {
        return file.resolveSibling(file.getFileName() + ".part");
    }

    private static Path complete(Path partial) {
        String name = partial.getFileName().toString();
        return partial.resolveSibling(name.substring(0, name.length() - ".part".length()));
    }

    /**
     * Gives the partial file its name: a hard link fails when the name is taken, where a rename would replace the
     * file (a file system without links gets a move that refuses a taken name); a taken name gets a suffix instead.
     */
    private static Path publish(Path file) throws IOException {
        Path partial = partial(file);
        for (int attempt = 0; attempt < 100; attempt++) {
            Path target = attempt == 0 ? file : file.resolveSibling(file.getFileName().toString()
                    .replaceFirst("(\\.[a-z]+)$", "-" + attempt + "$1"));
            try {
                try {
                    Files.createLink(target, partial);
                    Files.delete(partial);
                } catch (UnsupportedOperationException | FileSystemException noLinks) {
                    if (noLinks instanceof FileAlreadyExistsException taken) {
                        throw taken;
                    }
                    Files.move(partial, target);
                }
                return target;
            } catch (FileAlreadyExistsException taken) {
                continue;
            }
        }
        throw new FileAlreadyExistsException(file + " and 99 variants of its name exist; " + partial + " is left");
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "unknown" : new String(header.value(), StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = CommandLine.parseOrExit(USAGE, args);
        DeadLetterExport export;
        try {
            export = configured(options);
        } catch (ConfigurationException e) {
            exit(e.getMessage());
            return;
        }
        Result result = export.export();
        result.files().forEach((file, count) -> System.out.println("Wrote " + count + " dead letters to " + file));
        if (result.unknown() > 0) {
            System.out.println(result.unknown() + " dead letters name a type and label the application does not "
                    + "watch; they were written under " + export.out.resolve(UNKNOWN_FOLDER));
        }
        if (result.truncated() > 0) {
            System.out.println(result.truncated() + " dead letters hold only the first bytes of their line and cannot "
                    + "be replayed from Kafka; their source files and lines are listed in " + result.truncatedReport());
        }
        if (result.skipped() > 0) {
            System.out.println(result.skipped() + " dead letters of other reasons were passed over");
        }
        if (result.files().isEmpty() && result.truncated() == 0) {
            System.out.println("No new dead letters on " + export.topic + " for group "
                    + export.consumerConfig.get(ConsumerConfig.GROUP_ID_CONFIG));
        }
    }

    /**
     * The export the command line asks for: its own options ({@code --out}, {@code --reason}, {@code --group},
     * {@code --profile}), the others overriding the application's properties, as they do for the application.
     */
    public static DeadLetterExport configured(Map<String, String> options) {
        Map<String, String> overrides = new LinkedHashMap<>(options);
        overrides.keySet().removeAll(OPTIONS);
        for (String name : overrides.keySet()) {
            if (!name.contains(".")) {
                throw new ConfigurationException("Unknown option --" + name + ". Usage: " + USAGE);
            }
        }
        if (!options.containsKey("out")) {
            throw new ConfigurationException("--out=DIR is required: the folder to write the dead letters to. Usage: "
                    + USAGE);
        }
        Set<String> reasons = options.containsKey("reason") ? Set.of(options.get("reason").split(",")) : Set.of();
        CamelContext context = PropertySources.standalone(PropertySources.profile(options), overrides);
        Settings settings = new Settings(context);
        String bootstrap = settings.string("kafka.bootstrap-servers");
        if (bootstrap.isEmpty()) {
            bootstrap = "127.0.0.1:" + settings.integer("kafka.embedded.port");
        }
        Set<String> folders = new TreeSet<>();
        FolderRoutes.from(settings).forEach(route -> folders.add(route.type() + "/" + route.label()));
        return new DeadLetterExport(KafkaClientSettings.consumer(context, bootstrap,
                options.getOrDefault("group", defaultGroup(reasons))), settings.string("ingestion.dead-letter.topic"),
                folders, reasons, Path.of(options.get("out")));
    }

    private static void exit(String message) {
        System.err.println(message);
        System.exit(2);
    }

    /** One group per set of reasons: an export of some reasons must not mark the others as exported. */
    private static String defaultGroup(Set<String> reasons) {
        return "tmdb-ingestion-dead-letter-export" + (reasons.isEmpty() ? "" : "-" + String.join("-", new TreeSet<>(reasons)));
    }
}
