package tmdb.ingestion.checkpoint;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoint topic read from its start, record by record, sorted for one deployment: its own checkpoints, those
 * written before checkpoints named their deployment (usable by whichever deployment reads them), and other
 * deployments' (never used, only reported). A later record of a key replaces an earlier one; a tombstone removes it.
 */
final class CheckpointLog {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What another deployment left in the topic, for the warning at start. */
    record OtherDeployment(String description, long files) {
    }

    private final Deployment deployment;
    private final Map<String, Checkpoint> own = new LinkedHashMap<>();
    private final Map<String, Checkpoint> legacy = new LinkedHashMap<>();
    private final Map<String, OtherDeployment> others = new TreeMap<>();
    private final Map<String, String> othersByFile = new LinkedHashMap<>();

    CheckpointLog(Deployment deployment) {
        this.deployment = deployment;
    }

    /** One record of the topic, in the topic's order. */
    void add(String recordKey, byte[] value) {
        String key = recordKey == null ? "" : recordKey;
        if (value == null) {
            String ownPrefix = deployment.id() + "|";
            if (key.startsWith(ownPrefix)) {
                own.remove(key.substring(ownPrefix.length()));
            } else if (!key.contains("|")) {
                legacy.remove(key);
            }
            return;
        }
        JsonNode node = json(value);
        if (node == null) {
            return;
        }
        Checkpoint checkpoint = parse(node);
        String owner = node.path("deployment").asText("");
        if (owner.isEmpty()) {
            legacy.put(checkpoint.file(), checkpoint);
        } else if (owner.equals(deployment.id())) {
            own.put(checkpoint.file(), checkpoint);
        } else {
            String description = node.path("deployment_description").asText(owner);
            othersByFile.put(checkpoint.file(), description + ", id " + owner);
            others.merge(owner, new OtherDeployment(description, 1),
                    (known, one) -> new OtherDeployment(known.description(), known.files() + 1));
        }
    }

    /** This deployment's checkpoints by file, over those that name no deployment. */
    Map<String, Checkpoint> usable() {
        Map<String, Checkpoint> usable = new LinkedHashMap<>(legacy);
        usable.putAll(own);
        return usable;
    }

    /** Other deployments by id, with how many files each has checkpoints for. */
    Map<String, OtherDeployment> others() {
        return others;
    }

    /** Files other deployments have checkpoints for, with one such deployment's description. */
    Map<String, String> othersByFile() {
        return othersByFile;
    }

    private static JsonNode json(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            LOG.warn("Ignored a checkpoint that is not JSON: {}", e.getMessage());
            return null;
        }
    }

    private static Checkpoint parse(JsonNode node) {
        List<Long> pending = new ArrayList<>();
        node.path("pending").forEach(line -> pending.add(line.asLong()));
        return new Checkpoint(node.path("file").asText(), node.path("size").asLong(),
                node.path("fingerprint").asText(), node.path("line").asLong(), node.path("offset").asLong(),
                node.path("read_up_to").asLong(), pending, node.path("done").asBoolean());
    }
}
