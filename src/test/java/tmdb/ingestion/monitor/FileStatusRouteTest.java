package tmdb.ingestion.monitor;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tmdb.ingestion.file.FileStatusEvents;
import tmdb.ingestion.file.IngestionStats;
import tmdb.ingestion.file.SourceFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * File status events with the status topic misbehaving behind the route: they never make the file's own work wait
 * or fail; they are retried while the error is worth retrying, kept in order, and dropped (counted) otherwise.
 */
class FileStatusRouteTest extends CamelTestSupport {

    private static final int MAX_QUEUED = 4;
    private static final int REDELIVERIES = 3;

    private final IngestionStats stats = new IngestionStats();
    private final List<String> attempts = new CopyOnWriteArrayList<>();
    private final List<String> published = new CopyOnWriteArrayList<>();
    /** What the status topic does with the next sends: nothing set publishes. */
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final AtomicReference<Integer> failuresLeft = new AtomicReference<>(0);
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean holdSends;
    private FileStatusEvents events;
    private final SourceFile file = SourceFile.of(1, "movie/new/a.jsonl", "movie", "new", 0);

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties properties = new Properties();
        properties.put("ingestion.status.topic", "status");
        properties.put("ingestion.status.max-queued", Integer.toString(MAX_QUEUED));
        properties.put("ingestion.delivery.redeliveries", Integer.toString(REDELIVERIES));
        properties.put("ingestion.delivery.redelivery-delay-ms", "5");
        properties.put("ingestion.delivery.max-redelivery-delay-ms", "20");
        return properties;
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new FileStatusRoute();
    }

    @Override
    protected void doPostSetup() throws Exception {
        events = new FileStatusEvents(context.createProducerTemplate(), "status", "run", "instance-a", stats);
        context.getRegistry().bind("fileStatusEvents", events);
        AdviceWith.adviceWith(context, "file-status", route -> route.weaveByToUri("kafka:*").replace()
                .process(exchange -> {
                    String event = exchange.getProperty(FileStatusEvents.EVENT, String.class);
                    attempts.add(event);
                    if (holdSends) {
                        release.await(30, TimeUnit.SECONDS);
                    }
                    if (failuresLeft.getAndUpdate(left -> left - 1) > 0) {
                        throw failure.get();
                    }
                    assertThat(exchange.getIn().getHeader(KafkaConstants.KEY)).isEqualTo("movie/new/a.jsonl");
                    published.add(event);
                }));
        context.start();
    }

    @AfterEach
    void releaseSends() {
        release.countDown();
    }

    @Test
    void eventsAreRetriedInOrderWhileKafkaIsAway() {
        failure.set(new NotEnoughReplicasException("not enough in-sync replicas"));
        failuresLeft.set(REDELIVERIES);

        events.send(file, "discovered", Map.of());
        events.send(file, "started", Map.of());

        await().atMost(Duration.ofSeconds(10)).until(() -> published.size() == 2);
        assertThat(published).containsExactly("discovered", "started");
        assertThat(attempts).as("the first event until it went through, then the second")
                .containsExactly("discovered", "discovered", "discovered", "discovered", "started");
        assertThat(stats.statusEventsDropped()).isZero();
    }

    @Test
    void anEventTheTopicRefusesIsDroppedAndCountedAtOnceAndTheNextGoesOn() {
        failure.set(new TopicAuthorizationException("not authorized to write to status"));
        failuresLeft.set(1);

        events.send(file, "discovered", Map.of());
        events.send(file, "started", Map.of());

        await().atMost(Duration.ofSeconds(10)).until(() -> published.size() == 1);
        assertThat(published).containsExactly("started");
        assertThat(attempts).as("a final error is not retried").containsExactly("discovered", "started");
        assertThat(stats.statusEventsDropped()).isEqualTo(1);
    }

    @Test
    void anEventThatFindsTheQueueFullIsDroppedWithoutWaiting() {
        holdSends = true;
        events.send(file, "discovered", Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() == 1);

        for (int i = 0; i < MAX_QUEUED + 2; i++) {
            events.send(file, "completed", Map.of());
        }

        assertThat(stats.statusEventsDropped()).as("beyond the queue's %d, with one being sent", MAX_QUEUED)
                .isEqualTo(2);
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> published.size() == 1 + MAX_QUEUED);
    }
}
