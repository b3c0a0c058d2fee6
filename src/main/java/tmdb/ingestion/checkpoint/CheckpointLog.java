package tmdb.ingestion.checkpoint;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoint topic read from its start, record by record, sorted for one deployment: its own checkpoints, those
 * written before checkpoints named their deployment, and other deployments' (never used, only reported). A later
 * record of a key replaces an earlier one; a tombstone removes it. Checkpoints that name no deployment are used only
 * while no other deployment has checkpoints in the topic: the first deployment to run after the upgrade adopts them,
 * and a deployment that came later does not take files it never read for its own.
 */
final class CheckpointLog {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointLog.class);

    private final Deployment deployment;
    private final Map<String, Checkpoint> own = new LinkedHashMap<>();
    private final Map<String, Checkpoint> legacy = new LinkedHashMap<>();
    /** When each usable checkpoint was written, as it says (none: when it cannot be read). */
    private final Map<String, Instant> written = new HashMap<>();
    /** This deployment's checkpoints that cannot be right (see {@link Checkpoint#inconsistency()}), by file. */
    private final Map<String, String> inconsistentByFile = new LinkedHashMap<>();
    /** This deployment's checkpoints written for another topic than the file's type goes to now, by file. */
    private final Map<String, String> otherTopicByFile = new LinkedHashMap<>();
    /** Other deployments' files, by deployment id; and what each deployment's id stands for. */
    private final Map<String, Set<String>> othersFiles = new TreeMap<>();
    private final Map<String, String> othersDescriptions = new TreeMap<>();

    CheckpointLog(Deployment deployment) {
        this.deployment = deployment;
    }

    /** One record of the topic, in the topic's order. */
    void add(String recordKey, byte[] value) {
        String key = recordKey == null ? "" : recordKey;
        if (value == null) {
            removed(key);
            return;
        }
        JsonNode node = CheckpointRecord.read(value);
        if (node == null) {
            return;
        }
        Checkpoint checkpoint = CheckpointRecord.checkpoint(node);
        String owner = CheckpointRecord.deployment(node);
        Optional<String> wrong = checkpoint.inconsistency();
        String keyFile = CheckpointRecord.fileOf(key);
        if (wrong.isEmpty() && !keyFile.equals(checkpoint.file())) {
            wrong = Optional.of("its key names " + keyFile + " and its value " + checkpoint.file());
        }
        if (wrong.isPresent() && (owner.isEmpty() || owner.equals(deployment.id()))) {
            own.remove(keyFile);
            legacy.remove(keyFile);
            otherTopicByFile.remove(keyFile);
            inconsistentByFile.put(keyFile, "not usable: " + wrong.get());
            LOG.warn("Ignored the checkpoint of {} in the checkpoint topic: {}. The file is read from its start if it is "
                    + "still there", keyFile, wrong.get());
            return;
        }
        inconsistentByFile.remove(checkpoint.file());
        if (owner.isEmpty()) {
            legacy.put(checkpoint.file(), checkpoint);
        } else if (owner.equals(deployment.id())) {
            CheckpointRecord.writtenAt(node).ifPresentOrElse(time -> written.put(checkpoint.file(), time),
                    () -> written.remove(checkpoint.file()));
            String topic = CheckpointRecord.topic(node);
            if (topic.isEmpty() || topic.equals(deployment.topicOf(checkpoint.file()))) {
                own.put(checkpoint.file(), checkpoint);
                otherTopicByFile.remove(checkpoint.file());
            } else {
                own.remove(checkpoint.file());
                otherTopicByFile.put(checkpoint.file(), topic);
            }
        } else {
            othersDescriptions.put(owner, CheckpointRecord.deploymentDescription(node));
            othersFiles.computeIfAbsent(owner, id -> new TreeSet<>()).add(checkpoint.file());
        }
    }

    private void removed(String key) {
        String ownPrefix = CheckpointRecord.key(deployment, "");
        if (key.startsWith(ownPrefix)) {
            String file = key.substring(ownPrefix.length());
            own.remove(file);
            written.remove(file);
            inconsistentByFile.remove(file);
            otherTopicByFile.remove(file);
        } else if (legacy.remove(key) == null) {
            CheckpointRecord.deploymentOf(key).map(othersFiles::get)
                    .ifPresent(files -> files.remove(CheckpointRecord.fileOf(key)));
        }
    }

    /**
     * When this deployment's checkpoint of a file was written, as it says; empty when it does not say it readably, or
     * it is a checkpoint that names no deployment (keyed otherwise: it is never expired).
     */
    Optional<Instant> writtenAt(String file) {
        return Optional.ofNullable(written.get(file));
    }

    /** This deployment's checkpoints by file, over those that name no deployment while no other deployment has any. */
    Map<String, Checkpoint> usable() {
        Map<String, Checkpoint> usable = new LinkedHashMap<>();
        if (others().isEmpty()) {
            usable.putAll(legacy);
        }
        usable.putAll(own);
        return usable;
    }

    /** Other deployments by id, with what the id stands for and how many files each has checkpoints for. */
    Map<String, OtherDeployment> others() {
        Map<String, OtherDeployment> others = new TreeMap<>();
        othersFiles.forEach((id, files) -> {
            if (!files.isEmpty()) {
                others.put(id, new OtherDeployment(othersDescriptions.get(id), files.size()));
            }
        });
        return others;
    }

    /** Why a file has no usable checkpoint although the topic has one under its path, by file; for the log. */
    Map<String, String> notUsedByFile() {
        Map<String, String> notUsed = new LinkedHashMap<>();
        othersFiles.forEach((id, files) -> files.forEach(file -> notUsed.put(file,
                "of another deployment (" + othersDescriptions.get(id) + ", id " + id + ")")));
        if (!others().isEmpty()) {
            legacy.keySet().forEach(file -> notUsed.putIfAbsent(file, "written before checkpoints named their "
                    + "deployment, and other deployments share the topic"));
        }
        otherTopicByFile.forEach((file, topic) -> notUsed.put(file, "written when its records went to topic "
                + topic + ", and they go to " + deployment.topicOf(file) + " now"));
        notUsed.putAll(inconsistentByFile);
        own.keySet().forEach(notUsed::remove);
        return notUsed;
    }

    /** What another deployment left in the topic, for the warning at start. */
    record OtherDeployment(String description, long files) {
    }

    /** The run that wrote a checkpoint of this deployment; empty for another deployment's, a tombstone or junk. */
    static Optional<String> runOf(byte[] value, Deployment deployment) {
        if (value == null) {
            return Optional.empty();
        }
        JsonNode node = CheckpointRecord.read(value);
        if (node == null || !CheckpointRecord.deployment(node).equals(deployment.id())) {
            return Optional.empty();
        }
        return Optional.of(CheckpointRecord.runId(node));
    }
}
