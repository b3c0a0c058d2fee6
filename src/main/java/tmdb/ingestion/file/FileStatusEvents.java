package tmdb.ingestion.file;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each file's lifecycle to the status topic ({@code ingestion.status.topic}; off when empty), as JSON
 * keyed by the file's path under the data folder: {@code discovered}, {@code started}, then {@code completed}
 * with its counts — only once every record of the file is acknowledged, so a consumer can trust it — or
 * {@code failed} with the reason, or {@code interrupted} when the application stopped mid-file or its partition went
 * to another instance, or {@code rewritten} when its content was replaced in place (the new content follows as a new
 * file: {@code discovered}, {@code started}, ...). They are sent from the file's transitions
 * ({@link TransitionEffects}), on the lifecycle's thread.
 * <p>
 * Events never hold up or fail a file: they are queued, in order, for the status route
 * ({@code monitor/FileStatusRoute}) to send one at a time, retried like records while Kafka is away; an event the
 * status topic refuses, or that finds the queue full ({@code ingestion.status.max-queued}), is dropped, counted,
 * and said in a warning (at most one a minute).
 */
public final class FileStatusEvents {

    private static final Logger LOG = LoggerFactory.getLogger(FileStatusEvents.class);
    private static final long WARNING_INTERVAL_NANOS = 60_000_000_000L;
    /** The queue of events, bounded: a producer finding it full drops its event instead of waiting. */
    public static final String QUEUE = "seda:file-status?size={{ingestion.status.max-queued}}";
    /** Exchange property: the event, for the count of those dropped. */
    public static final String EVENT = "tmdbStatusEvent";

    private final ProducerTemplate template;
    private final boolean enabled;
    private final String runId;
    private final String instanceId;
    private final IngestionStats stats;
    private final ObjectMapper mapper = new ObjectMapper();
    private final AtomicLong lastWarning = new AtomicLong();

    /**
     * @param topic      the status topic, or empty for no events
     * @param instanceId the instance of the group that reads the files ({@code ingestion.instance-id})
     */
    public FileStatusEvents(ProducerTemplate template, String topic, String runId, String instanceId,
                            IngestionStats stats) {
        this.template = template;
        this.enabled = !topic.isEmpty();
        this.runId = runId;
        this.instanceId = instanceId;
        this.stats = stats;
    }

    /** For the status route: an event that could not be published, or not queued. */
    public void dropped(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        String event = exchange.getProperty(EVENT, "unknown", String.class);
        stats.statusEventDropped(event);
        long now = System.nanoTime();
        long last = lastWarning.get();
        if ((last == 0 || now - last > WARNING_INTERVAL_NANOS) && lastWarning.compareAndSet(last, now)) {
            LOG.warn("The {} event of {} was not published to the status topic: {}. Files are not held up by "
                    + "their events; {} events dropped so far (ingestion_status_events_dropped_total)", event,
                    exchange.getIn().getHeader(KafkaConstants.KEY), cause == null ? "unknown error" : cause.getMessage(),
                    stats.statusEventsDropped());
        }
    }

    /** Queues one event of the file, with its fields (its counts, a reason). */
    public void send(SourceFile file, String event, Map<String, Object> fields) {
        if (!enabled) {
            return;
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("file", file.identity());
        status.put("event", event);
        status.put("type", file.type());
        status.put("label", file.label());
        status.put("run_id", runId);
        status.put("instance", instanceId);
        status.put("partition", file.partition());
        status.put("time", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        status.putAll(fields);
        byte[] value = json(status);
        Exchange queued = template.send(QUEUE, exchange -> {
            exchange.setProperty(EVENT, event);
            exchange.getIn().setBody(value);
            exchange.getIn().setHeader(KafkaConstants.KEY, file.identity());
        });
        if (queued.getException() != null) {
            dropped(queued);
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
