package tmdb.ingestion.checkpoint;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A checkpoint as a record of the checkpoint topic, written and read back here so that its format lives in one place.
 * The key is {@code <deployment id>|<file>}: compaction keeps one per deployment and file (checkpoints written before
 * they named their deployment are keyed by the file alone). The value is JSON: the checkpoint's fields, the deployment
 * that wrote it (its id and what it stands for), the topic its file's records went to, the run and when.
 */
final class CheckpointRecord {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointRecord.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final char KEY_SEPARATOR = '|';

    private CheckpointRecord() {
    }

    static String key(Deployment deployment, String file) {
        return deployment.id() + KEY_SEPARATOR + file;
    }

    /** The file a key names: what follows the deployment, or the whole key for one that names no deployment. */
    static String fileOf(String key) {
        return key.substring(key.indexOf(KEY_SEPARATOR) + 1);
    }

    /** The deployment a key names; empty for one that names none. */
    static Optional<String> deploymentOf(String key) {
        int separator = key.indexOf(KEY_SEPARATOR);
        return separator < 0 ? Optional.empty() : Optional.of(key.substring(0, separator));
    }

    static byte[] value(Checkpoint checkpoint, Deployment deployment, String runId) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("file", checkpoint.file());
        fields.put("size", checkpoint.size());
        fields.put("fingerprint", checkpoint.fingerprint());
        fields.put("line", checkpoint.line());
        fields.put("offset", checkpoint.offset());
        fields.put("read_up_to", checkpoint.readUpTo());
        fields.put("pending", checkpoint.pending());
        fields.put("done", checkpoint.done());
        fields.put("format", checkpoint.format());
        fields.put("deployment", deployment.id());
        fields.put("deployment_description", deployment.description());
        fields.put("topic", deployment.topicOf(checkpoint.file()));
        fields.put("run_id", runId);
        fields.put("time", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        try {
            return JSON.writeValueAsBytes(fields);
        } catch (IOException e) {
            throw new IllegalStateException("a map of strings and numbers is always JSON", e);
        }
    }

    /** A value read back; null, with a warning, when it is not JSON. */
    static JsonNode read(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            LOG.warn("Ignored a checkpoint that is not JSON: {}", e.getMessage());
            return null;
        }
    }

    static Checkpoint checkpoint(JsonNode value) {
        List<Long> pending = new ArrayList<>();
        value.path("pending").forEach(line -> pending.add(line.asLong()));
        return new Checkpoint(value.path("file").asText(), value.path("size").asLong(),
                value.path("fingerprint").asText(), value.path("line").asLong(), value.path("offset").asLong(),
                value.path("read_up_to").asLong(), pending, value.path("done").asBoolean(),
                value.path("format").asText(Checkpoint.PLAIN));
    }

    /** The id of the deployment that wrote it; empty for a checkpoint written before they named it. */
    static String deployment(JsonNode value) {
        return value.path("deployment").asText("");
    }

    /** What the deployment that wrote it stands for (its id when it does not say). */
    static String deploymentDescription(JsonNode value) {
        return value.path("deployment_description").asText(deployment(value));
    }

    /** The topic its file's records went to; empty when it does not say. */
    static String topic(JsonNode value) {
        return value.path("topic").asText("");
    }

    static String runId(JsonNode value) {
        return value.path("run_id").asText("");
    }

    /** When it was written, as it says; empty when it does not say it readably. */
    static Optional<Instant> writtenAt(JsonNode value) {
        try {
            return Optional.of(Instant.parse(value.path("time").asText("")));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
