package tmdb.ingestion;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.broker.EmbeddedBrokerService;
import tmdb.ingestion.checkpoint.Deployment;
import tmdb.ingestion.checkpoint.DoneRetention;
import tmdb.ingestion.checkpoint.FilePartitions;
import tmdb.ingestion.checkpoint.KafkaCheckpointStore;
import tmdb.ingestion.config.BucketSettings;
import tmdb.ingestion.config.ConfigurationException;
import tmdb.ingestion.config.DeliveryGuarantee;
import tmdb.ingestion.config.EventTimeWindows;
import tmdb.ingestion.config.FolderRoutes.FolderRoute;
import tmdb.ingestion.config.FolderRoutes;
import tmdb.ingestion.config.RecordType;
import tmdb.ingestion.config.RunMode;
import tmdb.ingestion.config.Seed;
import tmdb.ingestion.config.Settings;
import tmdb.ingestion.config.StopDeadline;
import tmdb.ingestion.config.TypeCatalog;
import tmdb.ingestion.deadletter.DeadLetterRecord;
import tmdb.ingestion.file.ClaimCheck;
import tmdb.ingestion.file.FileLifecycle;
import tmdb.ingestion.file.FileMoves;
import tmdb.ingestion.file.FileStatusEvents;
import tmdb.ingestion.file.FolderListing;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.file.IngestionStats;
import tmdb.ingestion.file.LifecycleClock;
import tmdb.ingestion.file.LifecycleThread;
import tmdb.ingestion.file.SymlinkPolicy;
import tmdb.ingestion.group.GroupMember;
import tmdb.ingestion.group.KafkaWaits;
import tmdb.ingestion.group.PartitionWork;
import tmdb.ingestion.loader.AnnouncementEndQueue;
import tmdb.ingestion.loader.BucketListingRoute;
import tmdb.ingestion.loader.FileAnnouncements;
import tmdb.ingestion.loader.FileReading;
import tmdb.ingestion.loader.FolderPolls;
import tmdb.ingestion.loader.ReadQueue;
import tmdb.ingestion.loader.RecordAdmission;
import tmdb.ingestion.loader.WindowAggregation;
import tmdb.ingestion.monitor.IngestionMetrics;
import tmdb.ingestion.monitor.KafkaHealthCheck;
import tmdb.ingestion.monitor.ManagementServer;
import tmdb.ingestion.monitor.ProgressReporter;
import tmdb.ingestion.monitor.RunCompletion;
import tmdb.ingestion.preprocessor.EventTimestamp;
import tmdb.ingestion.preprocessor.IngestionMetadata;
import tmdb.ingestion.preprocessor.RecordEnricher;
import tmdb.ingestion.preprocessor.RecordParser;
import tmdb.ingestion.preprocessor.TimestampPolicy;
import tmdb.ingestion.producer.CommitBacklog;
import tmdb.ingestion.producer.KafkaAvailability;
import tmdb.ingestion.producer.KafkaReachability;
import tmdb.ingestion.producer.KafkaRecords;
import tmdb.ingestion.producer.KafkaTopics;
import tmdb.ingestion.producer.MeteredKafkaClientFactory;
import tmdb.ingestion.producer.Pacer;
import tmdb.ingestion.producer.PartitionSenders;
import tmdb.ingestion.producer.RecordAddressing;
import tmdb.ingestion.producer.TransactionalSender;
import tmdb.ingestion.producer.WindowOutcomes;
import tmdb.ingestion.record.RecordProcessor;

/**
 * Reads the settings, checks that they fit together, and binds the pipeline's beans for the routes to use.
 * Also points the Kafka component at {@code kafka.bootstrap-servers}, or at the embedded broker when that is
 * empty.
 */
@Configuration
public class PipelineConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        RunMode mode = settings.choice("ingestion.mode", RunMode.class);
        PropertiesComponent properties = context.getPropertiesComponent();
        properties.addOverrideProperty(RunMode.ONCE_PROPERTY, Boolean.toString(mode == RunMode.ONCE));
        boolean exactlyOnce = settings.choice("ingestion.delivery.guarantee", DeliveryGuarantee.class)
                == DeliveryGuarantee.EXACTLY_ONCE;
        properties.addOverrideProperty(DeliveryGuarantee.TRANSACTIONAL_PROPERTY, Boolean.toString(exactlyOnce));
        TypeCatalog types = TypeCatalog.from(settings);
        EventTimeWindows windows = EventTimeWindows.from(settings);
        TimestampPolicy policy = settings.choice("ingestion.timestamp.policy", TimestampPolicy.class);
        List<FolderRoute> folders = FolderRoutes.from(settings);
        for (FolderRoute folder : folders) {
            types.require(folder.type());
            if (policy == TimestampPolicy.EVENT_WINDOW) {
                windows.require(folder.label());
            }
        }
        Seed seed = new Seed(settings.longValue("ingestion.seed"));
        String runId = UUID.randomUUID().toString();
        int maxLineBytes = settings.integer("ingestion.max-line-bytes");
        Optional<BucketSettings> bucket = BucketSettings.from(settings);
        Path dataDir = bucket.isPresent() ? Path.of(settings.string("ingestion.data-dir")).toAbsolutePath().normalize()
                : requireDataFolder(settings.string("ingestion.data-dir"));

        String instanceId = instanceId(settings);
        IngestionMetrics metrics = new IngestionMetrics(instanceId);
        IngestionStats stats = new IngestionStats(metrics.registry());
        InFlightBudget budget = new InFlightBudget(inFlightCapacity(settings));
        FileStatusEvents events = new FileStatusEvents(context.createProducerTemplate(),
                settings.string("ingestion.status.topic"), runId, instanceId, stats);
        KafkaComponent kafka = context.getComponent("kafka", KafkaComponent.class);
        String checkpointTopic = settings.string("ingestion.checkpoint.topic");
        Map<String, String> topicsByType = new TreeMap<>();
        folders.forEach(folder -> topicsByType.put(folder.type(), types.require(folder.type()).topic()));
        Deployment deployment = bucket.isPresent()
                ? Deployment.of(settings.string("ingestion.deployment-id"), bucket.get().description(), topicsByType)
                : Deployment.of(settings.string("ingestion.deployment-id"), dataDir, topicsByType);
        FilePartitions filePartitions = new FilePartitions();
        Supplier<Properties> clientConfig = () -> KafkaReachability.adminConfig(kafka.getConfiguration(),
                kafka.getConfiguration().getBrokers(), settings.integer("kafka.connect-timeout-ms"));
        KafkaCheckpointStore checkpoints = new KafkaCheckpointStore(checkpointTopic, clientConfig,
                context.createProducerTemplate(), runId, exactlyOnce, deployment, filePartitions,
                new DoneRetention(doneRetention(settings)));
        if (settings.longValue("ingestion.checkpoint.done-sweep-interval-ms") < 1000) {
            throw new ConfigurationException("ingestion.checkpoint.done-sweep-interval-ms", "must be at least 1000, not "
                    + settings.longValue("ingestion.checkpoint.done-sweep-interval-ms"));
        }
        ClaimCheck claimCheck = new ClaimCheck(dataDir, watchedFolders(folders),
                settings.string("ingestion.file.include"), settings.choice("ingestion.file.symlinks",
                SymlinkPolicy.class));
        BucketSource objects = bucket.isPresent() ? BucketSource.open(bucket.get(), context) : null;
        if (objects != null) {
            claimCheck = objects.claimCheck(claimCheck);
        }
        int filesAtOnce = settings.integer("ingestion.read.files-at-once");
        if (filesAtOnce < 1 || filesAtOnce > FileReading.MOST_FILES_AT_ONCE) {
            throw new ConfigurationException("ingestion.read.files-at-once", "must be between 1 and "
                    + FileReading.MOST_FILES_AT_ONCE + ", not " + filesAtOnce);
        }
        for (String positive : List.of("ingestion.read.threads", "ingestion.read.slice-chunks")) {
            if (settings.integer(positive) < 1) {
                throw new ConfigurationException(positive, "must be at least 1, not " + settings.integer(positive));
            }
        }
        AnnouncementEndQueue announcementEnds = new AnnouncementEndQueue(context.createProducerTemplate());
        FileLifecycle files = new FileLifecycle(new FileLifecycle.Options(maxLineBytes,
                settings.integer("ingestion.read.chunk-lines"), settings.integer("ingestion.read.chunk-bytes"),
                settings.longValue("ingestion.file.quiet-period-ms"), filesAtOnce), claimCheck, checkpoints,
                filePartitions, FileMoves.ON_DISK, new ReadQueue(context.createProducerTemplate()), events,
                announcementEnds, stats, LifecycleClock.SYSTEM,
                LifecycleThread.started());
        context.addService(files, true, true);
        metrics.watch(stats, budget, files, folders);
        Set<String> folderRouteIds = bucket.isPresent() ? Set.of(BucketListingRoute.ROUTE_ID)
                : folders.stream().map(FolderRoute::routeId).collect(Collectors.toSet());

        Registry registry = context.getRegistry();
        StopDeadline stopDeadline = new StopDeadline();
        registry.bind("stopDeadline", stopDeadline);
        registry.bind("ingestionStats", stats);
        registry.bind("inFlightBudget", budget);
        registry.bind("fileLifecycle", files);
        registry.bind("checkpointStore", checkpoints);
        registry.bind("folderListing", new FolderListing(files));
        if (objects != null) {
            objects.bind(context, settings.string("ingestion.file.include"), folders, files, checkpoints);
        }
        registry.bind("fileStatusEvents", events);
        registry.bind("fileReading", new FileReading(files, budget, stats,
                settings.integer("ingestion.read.slice-chunks")));
        registry.bind("recordAdmission", new RecordAdmission(files, budget, seed, stats));
        FolderPolls polls = new FolderPolls();
        registry.bind("folderPolls", polls);
        registry.bind("announcementEndQueue", announcementEnds);
        registry.bind("fileAnnouncements", new FileAnnouncements(files, claimCheck, filePartitions, instanceId,
                deployment.id()));
        registry.bind("windowAggregation",
                new WindowAggregation(settings.integer("ingestion.mix.window"), budget.capacity(),
                        settings.integer("ingestion.read.chunk-bytes")));
        registry.bind("windowLeftMixing", (Processor) exchange ->
                stats.recordsLeftMixing(RecordProcessor.window(exchange).size()));
        registry.bind("windowWorkers", context.getExecutorServiceManager().newFixedThreadPool(this, "Window worker",
                settings.integer("ingestion.workers")));
        Pacer pacer = new Pacer(settings.integer("ingestion.pace.records-per-second"));
        registry.bind("ingestionMetadata", new IngestionMetadata(runId));
        registry.bind("recordParser", new RecordParser(types, maxLineBytes));
        registry.bind("eventTimestamp", new EventTimestamp(policy, windows, seed));
        registry.bind("recordEnricher", new RecordEnricher());
        registry.bind("recordAddressing", new RecordAddressing(types));
        String deadLetterTopic = settings.string("ingestion.dead-letter.topic");
        DeadLetterRecord deadLetters = new DeadLetterRecord(deadLetterTopic,
                settings.integer("ingestion.dead-letter.max-value-bytes"));
        registry.bind("deadLetterRecord", deadLetters);
        ProgressReporter reporter = new ProgressReporter(stats, files, deadLetterTopic);
        registry.bind("progressReporter", reporter);
        context.addService(reporter, true, true);

        List<String> topics = new ArrayList<>(types.all().values().stream().map(RecordType::topic).toList());
        topics.add(deadLetterTopic);
        if (!settings.string("ingestion.status.topic").isEmpty()) {
            topics.add(settings.string("ingestion.status.topic"));
        }
        String bootstrap = connectKafka(context, settings, topics);
        int probeTimeoutMs = settings.integer("ingestion.management.kafka-probe-timeout-ms");
        KafkaTopics kafkaTopics = KafkaTopics.needed(settings, types, folders, deadLetterTopic, checkpointTopic,
                () -> KafkaReachability.adminConfig(kafka.getConfiguration(), bootstrap, probeTimeoutMs));
        registry.bind("kafkaTopics", kafkaTopics);
        context.addService(kafkaTopics, true, true);
        KafkaAvailability availability = new KafkaAvailability(bootstrap, budget, kafkaTopics);
        WindowOutcomes outcomes = new WindowOutcomes(files, stats, availability, deadLetters,
                settings.integer("ingestion.delivery.redeliveries"),
                settings.longValue("ingestion.delivery.redelivery-delay-ms"),
                settings.longValue("ingestion.delivery.max-redelivery-delay-ms"),
                settings.integer("ingestion.rejections.log-per-second"));
        registry.bind("windowOutcomes", outcomes);
        registry.bind("kafkaRecords", new KafkaRecords(context, pacer));
        PartitionWork partitionWork = PartitionWork.NONE;
        if (exactlyOnce) {
            String transactionalId = transactionalId(settings, deployment);
            CommitBacklog backlog = new CommitBacklog(budget.capacity() * 3L / 4);
            PartitionSenders senders = new PartitionSenders(partition -> new TransactionalSender(
                    () -> producerConfig(kafka), KafkaProducer::new, transactionalId + "-" + partition, partition,
                    settings.integer("ingestion.exactly-once.commit-interval-ms"), backlog, checkpoints,
                    files, outcomes, availability, pacer, deadLetters, metrics.registry(), stopDeadline),
                    files::lastClaimId);
            registry.bind("transactionalSender", senders);
            checkpoints.commitWith(senders::save);
            partitionWork = senders;
        }
        KafkaWaits waits = new KafkaWaits();
        registry.bind("kafkaWaits", waits);
        GroupMember member = new GroupMember(new GroupMember.Options(settings.string("ingestion.group.files-topic"),
                groupId(settings, deployment), instanceId, settings.integer("ingestion.group.session-timeout-ms"),
                settings.longValue("ingestion.shutdown.grace-period-ms") / 2, deployment.id()), clientConfig,
                KafkaConsumer::new, files, checkpoints, filePartitions, partitionWork, context, folderRouteIds, waits);
        registry.bind("groupMember", member);
        registry.bind("runCompletion", new RunCompletion(mode == RunMode.ONCE, folderRouteIds, polls, files, budget,
                stats, member::ownsAllAndReadTheirAnnouncements));
        metrics.watch(member);
        new MeteredKafkaClientFactory(metrics.registry(), stopDeadline).installOn(kafka,
                settings.integer("camel.component.kafka.worker-pool-core-size"),
                settings.integer("camel.component.kafka.worker-pool-max-size"));
        if (settings.bool("ingestion.management.enabled")) {
            KafkaHealthCheck kafkaCheck = new KafkaHealthCheck(() -> KafkaReachability.adminConfig(
                    kafka.getConfiguration(), bootstrap, probeTimeoutMs), availability, waits, probeTimeoutMs);
            ManagementServer management = new ManagementServer(context, metrics, kafkaCheck, member,
                    settings.string("ingestion.management.host"), settings.integer("ingestion.management.port"),
                    settings.integer("ingestion.management.threads"),
                    settings.integer("ingestion.management.request-timeout-seconds"));
            registry.bind("managementServer", management);
            context.addService(management, true, true);
        }
        LOG.info("Run {}: mode {}, {} folders under {}, types {}, seed {}, timestamp policy {}, in-flight budget {} "
                + "bytes", runId, mode.name().toLowerCase(), folders.size(), dataDir.toAbsolutePath().normalize(),
                types.all().keySet(), seed.value(), policy.name().toLowerCase().replace('_', '-'), budget.capacity());
    }

    private static String connectKafka(CamelContext context, Settings settings, List<String> topics) throws Exception {
        String bootstrap = settings.string("kafka.bootstrap-servers");
        if (bootstrap.isEmpty()) {
            EmbeddedBrokerService broker = new EmbeddedBrokerService(Path.of(settings.string("kafka.embedded.data-dir")),
                    settings.integer("kafka.embedded.port"), settings.integer("kafka.embedded.partitions"),
                    topics);
            context.addService(broker, true, true);
            if (!broker.isStarted()) {
                broker.start();
            }
            bootstrap = broker.bootstrapServers();
        }
        context.getComponent("kafka", KafkaComponent.class).getConfiguration().setBrokers(bootstrap);
        return bootstrap;
    }

    /**
     * {@code ingestion.exactly-once.transactional-id}, or one per deployment: two deployments with the same id
     * would fence each other.
     */
    private static String transactionalId(Settings settings, Deployment deployment) {
        String configured = settings.string("ingestion.exactly-once.transactional-id");
        return configured.isEmpty() ? "tmdb-ingestion-" + deployment.id() : configured;
    }

    /** {@code ingestion.group.id}, or one group per deployment. */
    private static String groupId(Settings settings, Deployment deployment) {
        String configured = settings.string("ingestion.group.id");
        return configured.isEmpty() ? "tmdb-ingestion-" + deployment.id() : configured;
    }

    /**
     * {@code ingestion.instance-id}, or the host's name: stable across restarts on one host (so a restarted
     * instance takes its own place in the group at once), distinct between hosts.
     */
    private static String instanceId(Settings settings) {
        String configured = settings.string("ingestion.instance-id");
        if (!configured.isEmpty()) {
            return configured;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
        }
    }

    private static Duration doneRetention(Settings settings) {
        String key = "ingestion.checkpoint.done-retention";
        Duration duration = settings.duration(key);
        if (duration.isNegative() || duration.isZero() || duration.compareTo(DoneRetention.LONGEST) > 0) {
            throw new ConfigurationException(key, "must be longer than 0 and at most " + DoneRetention.LONGEST.toDays()
                    + " days, not " + duration);
        }
        return duration;
    }

    /** {@code ingestion.in-flight.max-bytes}: a positive number of bytes, or sized from the heap. */
    private static int inFlightCapacity(Settings settings) {
        String key = "ingestion.in-flight.max-bytes";
        String value = settings.string(key);
        if (value.equals(InFlightBudget.AUTOMATIC)) {
            return InFlightBudget.automaticCapacity(Runtime.getRuntime().maxMemory());
        }
        if (value.matches("[0-9]{1,10}") && Long.parseLong(value) > 0 && Long.parseLong(value) <= Integer.MAX_VALUE) {
            return Integer.parseInt(value);
        }
        throw new ConfigurationException(key, "must be a positive number of bytes (at most " + Integer.MAX_VALUE
                + ") or " + InFlightBudget.AUTOMATIC + ", not '" + value + "'");
    }

    /** The Kafka component's producer settings, for a producer of our own. */
    private static Properties producerConfig(KafkaComponent kafka) {
        Properties config = kafka.getConfiguration().createProducerProperties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getConfiguration().getBrokers());
        return config;
    }

    /** The watched folders by their absolute, normalised path, with the type and label of their files. */
    private static Map<Path, ClaimCheck.Folder> watchedFolders(List<FolderRoute> folders) {
        Map<Path, ClaimCheck.Folder> byPath = new TreeMap<>();
        for (FolderRoute folder : folders) {
            byPath.put(Path.of(folder.folder()).toAbsolutePath().normalize(), new ClaimCheck.Folder(folder.type(),
                    folder.label()));
        }
        return byPath;
    }

    /** The root of the watched folders must exist and be readable; the type and label folders are created. */
    private static Path requireDataFolder(String setting) {
        Path folder = Path.of(setting);
        String where = folder.toAbsolutePath().normalize() + " (ingestion.data-dir, INGESTION_DATA_DIR)";
        if (!Files.exists(folder)) {
            throw new ConfigurationException("Data folder " + where + " does not exist: create it, or point "
                    + "INGESTION_DATA_DIR at the collector's output.");
        }
        if (!Files.isDirectory(folder) || !Files.isReadable(folder) || !Files.isExecutable(folder)) {
            throw new ConfigurationException("Data folder " + where + " is not a folder the application can read: "
                    + "check its permissions.");
        }
        return folder;
    }
}
