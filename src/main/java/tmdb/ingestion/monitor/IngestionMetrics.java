package tmdb.ingestion.monitor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import tmdb.ingestion.config.FolderRoutes.FolderRoute;
import tmdb.ingestion.file.FileLifecycle;
import tmdb.ingestion.file.FilesSnapshot.FileView;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.file.IngestionStats;
import tmdb.ingestion.group.GroupMember;

/**
 * The Prometheus registry and the gauges of what is in progress: records held in the mixing stage, bytes in
 * flight, and, per type and label, the files waiting in their folders and the bytes and lines left in the files
 * being read (from the file lifecycle's snapshot, published at every tick). The counters live in {@link IngestionStats}, the Kafka producer's own metrics come from the client
 * (see {@code MeteredKafkaClientFactory}).
 */
public final class IngestionMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /**
     * @param instanceId every metric carries it as the label {@code instance_id}, so that series of the instances
     *                   of a group stay apart wherever they are collected
     */
    public IngestionMetrics(String instanceId) {
        registry.config().commonTags("instance_id", instanceId);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The metrics in Prometheus' text format. */
    public String scrape() {
        return registry.scrape();
    }

    public void watch(IngestionStats stats, InFlightBudget budget, FileLifecycle files, List<FolderRoute> folders) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("ingestion.mixing.records.held", stats, IngestionStats::heldInMixing)
                .description("Records admitted and not yet released by the mixing stage").register(registry);
        Gauge.builder("ingestion.in.flight.bytes", budget, InFlightBudget::bytesInFlight)
                .description("Bytes of records read and not yet acknowledged").register(registry);
        Map<List<String>, List<Path>> foldersByStream = new LinkedHashMap<>();
        for (FolderRoute folder : folders) {
            foldersByStream.computeIfAbsent(List.of(folder.type(), folder.label()), key -> new ArrayList<>())
                    .add(Path.of(folder.folder()).toAbsolutePath().normalize());
        }
        foldersByStream.forEach((stream, paths) -> {
            String type = stream.get(0);
            String label = stream.get(1);
            streamGauge("ingestion.files.reading", "Files being read or waiting for their acknowledgements",
                    type, label, () -> files(files, type, label).count());
            streamGauge("ingestion.files.waiting", "Files in the watched folder not being read by this instance (in a "
                    + "group, those the others read count too)", type, label,
                    () -> Math.max(0, countFiles(paths) - files(files, type, label).count()));
            streamGauge("ingestion.reading.bytes.left", "Bytes not read yet in the files being read", type, label,
                    () -> sum(files, type, label, FileView::bytesLeft));
            streamGauge("ingestion.reading.lines.left.estimated",
                    "Lines not read yet in the files being read, estimated from their mean line length so far",
                    type, label, () -> sum(files, type, label, FileView::linesLeftEstimate));
        });
    }

    /** The files partitions this instance owns, and whether it lists the folders (it owns partition 0). */
    public void watch(GroupMember member) {
        Gauge.builder("ingestion.group.partitions.owned", member, m -> m.ownedPartitions().size())
                .description("Files partitions this instance owns: it reads the files announced in them")
                .tag("group", member.groupId()).register(registry);
        Gauge.builder("ingestion.group.discovering", member, m -> m.discovering() ? 1 : 0)
                .description("1 while this instance lists the folders (it owns files partition 0)")
                .tag("group", member.groupId()).register(registry);
    }

    private void streamGauge(String name, String description, String type, String label,
                             LongSupplier value) {
        Gauge.builder(name, value, LongSupplier::getAsLong).strongReference(true).description(description)
                .tag("type", type).tag("label", label).register(registry);
    }

    private static Stream<FileView> files(FileLifecycle files, String type, String label) {
        return files.snapshot().unsettled().stream().filter(file -> file.type().equals(type)
                && file.label().equals(label));
    }

    private static long sum(FileLifecycle files, String type, String label, ToLongFunction<FileView> value) {
        return files(files, type, label).mapToLong(value).sum();
    }

    private static long countFiles(List<Path> folders) {
        long count = 0;
        for (Path folder : folders) {
            try (Stream<Path> files = Files.list(folder)) {
                count += files.filter(IngestionMetrics::isPolled).count();
            } catch (IOException e) {
                // a folder that cannot be listed holds no file the routes could pick up either
            }
        }
        return count;
    }

    private static boolean isPolled(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".jsonl") && !name.startsWith(".") && Files.isRegularFile(file);
    }
}
