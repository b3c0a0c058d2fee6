package tmdb.ingestion.monitor;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import tmdb.ingestion.file.TrackedFile;

/**
 * Publishes each file's lifecycle to the status topic ({@code ingestion.status.topic}; off when empty), as JSON
 * keyed by the file's path under the data folder: {@code discovered}, {@code started}, then {@code completed}
 * with its counts — only once every record of the file is acknowledged, so a consumer can trust it — or
 * {@code failed} with the reason, or {@code interrupted} when the application stopped mid-file.
 */
public final class FileStatusEvents {

    private final ProducerTemplate template;
    private final String endpoint;
    private final String runId;
    private final ObjectMapper mapper = new ObjectMapper();

    /** @param topic the status topic, or empty for no events */
    public FileStatusEvents(ProducerTemplate template, String topic, String runId) {
        this.template = template;
        this.endpoint = topic.isEmpty() ? null : "kafka:" + topic;
        this.runId = runId;
    }

    /** The file was picked up; sent before reading, and waited for, so that it comes first. */
    public void discovered(TrackedFile file) {
        send(file, "discovered", Map.of(), true);
    }

    /** Reading begins. */
    public void started(TrackedFile file) {
        send(file, "started", Map.of(), true);
    }

    public void completed(TrackedFile file) {
        send(file, "completed", counts(file), false);
    }

    public void failed(TrackedFile file, String reason) {
        Map<String, Object> fields = new LinkedHashMap<>(counts(file));
        fields.put("reason", reason);
        send(file, "failed", fields, false);
    }

    public void interrupted(TrackedFile file) {
        send(file, "interrupted", counts(file), false);
    }

    private static Map<String, Object> counts(TrackedFile file) {
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("lines", file.linesRead());
        counts.put("published", file.publishedCount());
        counts.put("dead_lettered", file.deadLetteredCount());
        counts.put("skipped", file.blankLines());
        counts.put("not_delivered", file.failedCount());
        return counts;
    }

    private void send(TrackedFile file, String event, Map<String, Object> fields, boolean wait) {
        if (endpoint == null) {
            return;
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("file", file.identity());
        status.put("event", event);
        status.put("type", file.type());
        status.put("label", file.label());
        status.put("run_id", runId);
        status.put("time", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        status.putAll(fields);
        byte[] value = json(status);
        if (wait) {
            template.sendBodyAndHeader(endpoint, value, KafkaConstants.KEY, file.identity());
        } else {
            template.asyncRequestBodyAndHeader(endpoint, value, KafkaConstants.KEY, file.identity());
        }
    }

    private byte[] json(Map<String, Object> status) {
        try {
            return mapper.writeValueAsBytes(status);
        } catch (JsonProcessingException e) {
            return status.toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
