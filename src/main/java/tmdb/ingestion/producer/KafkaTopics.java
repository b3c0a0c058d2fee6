package tmdb.ingestion.producer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.config.ConfigurationException;
import tmdb.ingestion.config.FolderRoutes.FolderRoute;
import tmdb.ingestion.config.KafkaNotReachableException;
import tmdb.ingestion.config.Settings;
import tmdb.ingestion.config.TypeCatalog;

/**
 * Checks at start that every topic the run writes exists, before a record is read: a missing one is created when
 * {@code ingestion.topics.create} allows it (with the partitions and replication factor of
 * {@code ingestion.topics.*}, like Kafka Connect's topic creation), or the start fails naming the topic, the setting
 * it comes from and the fix. Otherwise a typo in a topic name, on a cluster that does not create topics on first use
 * (the norm in production), would hold every record of that type until its delivery timed out. The checkpoint topic
 * and the files topic must also be compacted: under a time or size retention, checkpoints would be deleted and
 * finished files read again, and announcements of files not read yet would be lost.
 * <p>
 * While the run goes on, it also answers which topics have gone (deleted under the running application), so that a
 * missing topic is reported as such, not as Kafka being away.
 */
public final class KafkaTopics extends ServiceSupport implements KafkaAvailability.TopicLookup {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

    /** A topic the run writes: its name, the setting that names it, and whether it must be compacted. */
    public record Needed(String name, String setting, boolean compacted) {
    }

    /**
     * Whether to create missing topics, and how: empty partitions or replication factor mean the broker's default.
     * Compacted topics (the files and checkpoint topics) get {@code compactedPartitions}: the files topic's
     * partition count, which caps the instances of a group.
     */
    public record Creation(boolean enabled, Optional<Integer> partitions, Optional<Short> replicationFactor,
                           int compactedPartitions) {
    }

    private final List<Needed> needed;
    private final Map<String, Needed> byName = new LinkedHashMap<>();
    private final Creation creation;
    private final Supplier<Properties> lookupConfig;
    private Admin lookups;

    /**
     * @param lookupConfig the admin client settings of the lookups while the run goes on (with short timeouts: a
     *                     lookup that gets no answer means Kafka is away)
     */
    public KafkaTopics(List<Needed> needed, Creation creation, Supplier<Properties> lookupConfig) {
        for (Needed topic : needed) {
            try {
                Topic.validate(topic.name());
            } catch (InvalidTopicException e) {
                throw new ConfigurationException(topic.setting(), "is not a valid topic name: " + e.getMessage());
            }
            byName.merge(topic.name(), topic, (first, second) -> first.compacted() ? first : second);
        }
        this.needed = List.copyOf(byName.values());
        this.creation = creation;
        this.lookupConfig = lookupConfig;
    }

    /** The topics the run writes, for the check at start: those of the watched types, and the pipeline's own. */
    public static KafkaTopics needed(Settings settings, TypeCatalog types, List<FolderRoute> folders,
                                     String deadLetterTopic, String checkpointTopic,
                                     Supplier<Properties> lookupConfig) {
        List<Needed> needed = new ArrayList<>();
        folders.stream().map(FolderRoute::type).distinct().forEach(type -> needed.add(new Needed(
                types.require(type).topic(), "ingestion.type." + type + ".topic", false)));
        needed.add(new Needed(deadLetterTopic, "ingestion.dead-letter.topic", false));
        String statusTopic = settings.string("ingestion.status.topic");
        if (!statusTopic.isEmpty()) {
            needed.add(new Needed(statusTopic, "ingestion.status.topic", false));
        }
        needed.add(new Needed(checkpointTopic, "ingestion.checkpoint.topic", true));
        needed.add(new Needed(settings.string("ingestion.group.files-topic"), "ingestion.group.files-topic",
                true));
        int filesPartitions = settings.integer("ingestion.group.files-partitions");
        if (filesPartitions < 1) {
            throw new ConfigurationException("ingestion.group.files-partitions", "must be a positive number of "
                    + "partitions (the most instances a group can use), not " + filesPartitions);
        }
        int partitions = settings.integer("ingestion.topics.partitions");
        int replicationFactor = settings.integer("ingestion.topics.replication-factor");
        if (partitions == 0 || partitions < -1) {
            throw new ConfigurationException("ingestion.topics.partitions", "must be a positive number of "
                    + "partitions, or -1 for the broker's default, not " + partitions);
        }
        if (replicationFactor == 0 || replicationFactor < -1 || replicationFactor > Short.MAX_VALUE) {
            throw new ConfigurationException("ingestion.topics.replication-factor", "must be a positive number of "
                    + "replicas, or -1 for the broker's default, not " + replicationFactor);
        }
        return new KafkaTopics(needed, new Creation(settings.bool("ingestion.topics.create"),
                partitions == -1 ? Optional.empty() : Optional.of(partitions),
                replicationFactor == -1 ? Optional.empty() : Optional.of((short) replicationFactor), filesPartitions),
                lookupConfig);
    }

    public List<Needed> needed() {
        return needed;
    }

    /** Describes every topic, creates the missing ones or fails, and checks the compacted ones. */
    public void require(Properties adminConfig, String where, int timeoutMs) {
        try (Admin admin = Admin.create(adminConfig)) {
            List<Needed> missing = missing(admin, where, timeoutMs);
            if (!missing.isEmpty()) {
                if (!creation.enabled()) {
                    throw new ConfigurationException(missing.stream().map(topic -> describe(topic) + " does not "
                            + "exist").collect(Collectors.joining("; ")) + " at " + where + ", and "
                            + "ingestion.topics.create is false. Create " + (missing.size() == 1 ? "it" : "them")
                            + " (kafka-topics.sh --create), correct the name, or set ingestion.topics.create=true.");
                }
            }
            Set<String> created = missing.isEmpty() ? Set.of() : create(admin, missing, where, timeoutMs);
            for (Needed topic : needed) {
                // a topic this run did not create itself is checked, also one that looked missing and was created
                // meanwhile by someone else (or that a lagging broker did not describe yet)
                if (topic.compacted() && !created.contains(topic.name())) {
                    requireCompacted(admin, topic, where, timeoutMs);
                }
            }
        }
    }

    /**
     * Asks the cluster, without waiting for its answer, which of these topics it does not have (any more): the
     * answer completes exceptionally when the cluster does not answer.
     */
    @Override
    public CompletableFuture<Set<String>> missingAmong(Collection<String> names) {
        CompletableFuture<Set<String>> answer = new CompletableFuture<>();
        Map<String, KafkaFuture<TopicDescription>> described;
        try {
            described = lookups().describeTopics(names).topicNameValues();
        } catch (KafkaException e) {
            answer.completeExceptionally(e);
            return answer;
        }
        KafkaFuture.allOf(described.values().toArray(KafkaFuture[]::new)).whenComplete((all, anyError) -> {
            Set<String> missing = new TreeSet<>();
            for (Map.Entry<String, KafkaFuture<TopicDescription>> topic : described.entrySet()) {
                try {
                    topic.getValue().getNow(null);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        answer.completeExceptionally(e.getCause());
                        return;
                    }
                    missing.add(topic.getKey());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    answer.completeExceptionally(e);
                    return;
                }
            }
            answer.complete(missing);
        });
        return answer;
    }

    /** "Topic name (the setting that names it)", for messages. */
    @Override
    public String describe(String name) {
        Needed topic = byName.get(name);
        return topic == null ? "Topic " + name : describe(topic);
    }

    private synchronized Admin lookups() {
        if (lookups == null) {
            lookups = Admin.create(lookupConfig.get());
        }
        return lookups;
    }

    @Override
    protected synchronized void doStop() {
        if (lookups != null) {
            lookups.close(Duration.ZERO);
            lookups = null;
        }
    }

    private List<Needed> missing(Admin admin, String where, int timeoutMs) {
        Map<String, KafkaFuture<?>> described = new LinkedHashMap<>(admin.describeTopics(needed.stream()
                .map(Needed::name).toList()).topicNameValues());
        List<Needed> missing = new ArrayList<>();
        for (Needed topic : needed) {
            try {
                described.get(topic.name()).get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    missing.add(topic);
                } else if (e.getCause() instanceof AuthorizationException) {
                    throw new ConfigurationException(describe(topic) + " at " + where + " may not be described "
                            + "by the application's user: " + e.getCause().getMessage() + ". Grant it DESCRIBE and "
                            + "WRITE on the topic.");
                } else {
                    throw failed("Could not look up " + describe(topic), where, e.getCause());
                }
            } catch (TimeoutException e) {
                throw failed("Could not look up " + describe(topic), where, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConfigurationException("Interrupted while looking up the topics at " + where);
            }
        }
        return missing;
    }

    /** Creates the missing topics; returns the names of those this run created (not someone else meanwhile). */
    private Set<String> create(Admin admin, List<Needed> missing, String where, int timeoutMs) {
        List<NewTopic> topics = missing.stream().map(this::newTopic).toList();
        CreateTopicsResult result = admin.createTopics(topics);
        Set<String> created = new HashSet<>();
        for (Needed topic : missing) {
            try {
                result.values().get(topic.name()).get(timeoutMs, TimeUnit.MILLISECONDS);
                created.add(topic.name());
                LOG.info("Created {}: {} partitions, replication factor {}{}", describe(topic),
                        result.numPartitions(topic.name()).get(timeoutMs, TimeUnit.MILLISECONDS),
                        result.replicationFactor(topic.name()).get(timeoutMs, TimeUnit.MILLISECONDS),
                        topic.compacted() ? ", compacted" : "");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    LOG.info("{} was created meanwhile by someone else", describe(topic));
                } else if (e.getCause() instanceof AuthorizationException) {
                    throw new ConfigurationException(describe(topic) + " does not exist at " + where + ", and the "
                            + "application's user may not create it: " + e.getCause().getMessage() + ". Create it "
                            + "(kafka-topics.sh --create" + (topic.compacted() ? " --config cleanup.policy=compact" : "")
                            + "), or grant the user CREATE on the cluster.");
                } else {
                    throw failed("Could not create " + describe(topic) + " (set ingestion.topics.partitions and "
                            + "ingestion.topics.replication-factor to values the cluster accepts, or create it)",
                            where, e.getCause());
                }
            } catch (TimeoutException e) {
                throw failed("Could not create " + describe(topic), where, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConfigurationException("Interrupted while creating the topics at " + where);
            }
        }
        return created;
    }

    private NewTopic newTopic(Needed topic) {
        if (topic.compacted()) {
            return new NewTopic(topic.name(), Optional.of(creation.compactedPartitions()), creation.replicationFactor())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        return new NewTopic(topic.name(), creation.partitions(), creation.replicationFactor());
    }

    private static void requireCompacted(Admin admin, Needed topic, String where, int timeoutMs) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
        try {
            Config config = admin.describeConfigs(List.of(resource)).all()
                    .get(timeoutMs, TimeUnit.MILLISECONDS).get(resource);
            ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            String value = policy == null ? TopicConfig.CLEANUP_POLICY_DELETE : policy.value();
            if (!value.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                throw new ConfigurationException(describe(topic) + " at " + where + " has cleanup.policy=" + value
                        + ": retention would delete checkpoints, and the files they finished would be read and sent "
                        + "again. Make it compacted (kafka-configs.sh --alter --entity-type topics --entity-name "
                        + topic.name() + " --add-config cleanup.policy=compact) or name another topic.");
            }
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOG.warn("Could not check that {} is compacted ({}): make sure it is, or finished files may be read "
                    + "again once retention deletes their checkpoints", describe(topic), cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(Needed topic) {
        return "Topic " + topic.name() + " (" + topic.setting() + ")";
    }

    private static ConfigurationException failed(String what, String where, Throwable cause) {
        String message = what + " at " + where + ": " + cause.getClass().getSimpleName() + ": " + cause.getMessage();
        boolean notReadyYet = cause instanceof TimeoutException || cause instanceof RetriableException
                || cause instanceof InvalidReplicationFactorException;
        return notReadyYet ? new KafkaNotReachableException(message) : new ConfigurationException(message);
    }
}
