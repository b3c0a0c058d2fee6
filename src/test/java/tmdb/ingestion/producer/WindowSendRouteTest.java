package tmdb.ingestion.producer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.checkpoint.InMemoryCheckpointStore;
import tmdb.ingestion.config.EventTimeWindows;
import tmdb.ingestion.config.RecordType;
import tmdb.ingestion.config.Seed;
import tmdb.ingestion.config.TypeCatalog;
import tmdb.ingestion.deadletter.DeadLetterRecord;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.file.IngestionStats;
import tmdb.ingestion.file.SourceFile;
import tmdb.ingestion.preprocessor.EventTimestamp;
import tmdb.ingestion.preprocessor.IngestionMetadata;
import tmdb.ingestion.preprocessor.PreprocessRoute;
import tmdb.ingestion.preprocessor.RecordEnricher;
import tmdb.ingestion.preprocessor.RecordParser;
import tmdb.ingestion.preprocessor.TimestampPolicy;
import tmdb.ingestion.record.Record;
import tmdb.ingestion.support.LifecycleFixture;
import tmdb.ingestion.support.Records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A window from preprocessing to the {@code kafka:} endpoint, with Kafka's own {@code MockProducer} behind the
 * endpoint deciding each record's fate: every record is settled from its own result, and only records that failed
 * are sent again.
 */
class WindowSendRouteTest extends CamelTestSupport {

    private static final int TOO_LARGE = 2000;

    @TempDir
    Path dir;

    private final IngestionStats stats = new IngestionStats();
    private final InFlightBudget budget = new InFlightBudget(1 << 20);
    private final InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
    private LifecycleFixture files;
    private final ScheduledExecutorService redeliveries = Executors.newSingleThreadScheduledExecutor();
    private Broker broker;

    /** A producer that refuses values over {@link #TOO_LARGE} bytes, and fails chosen keys a number of times, retriably. */
    private static final class Broker extends MockProducer<String, byte[]> {

        final Map<Object, AtomicInteger> sends = new ConcurrentHashMap<>();
        final Map<Object, AtomicInteger> failures = new ConcurrentHashMap<>();

        Broker() {
            super(true, null, new StringSerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
            sends.computeIfAbsent(String.valueOf(record.key()), key -> new AtomicInteger()).incrementAndGet();
            RuntimeException refusal = null;
            if (record.value().length > TOO_LARGE) {
                refusal = new RecordTooLargeException("the message is " + record.value().length + " bytes");
            } else if (record.key() != null && failures.getOrDefault(record.key(), new AtomicInteger())
                    .getAndDecrement() > 0) {
                refusal = new NotEnoughReplicasException("not enough in-sync replicas");
            }
            if (refusal != null) {
                callback.onCompletion(null, refusal);
                return CompletableFuture.failedFuture(refusal);
            }
            // one partition, so that the mock needs no partitioner (it has none for records without a key)
            return super.send(new ProducerRecord<>(record.topic(), 0, record.key(), record.value(), record.headers()),
                    callback);
        }

        int sendsOf(Object key) {
            return sends.getOrDefault(key, new AtomicInteger()).get();
        }
    }

    @AfterEach
    void closeFiles() {
        redeliveries.shutdownNow();
        files.close();
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        files = new LifecycleFixture(dir, checkpoints, stats);
        broker = new Broker();
        KafkaComponent kafka = context.getComponent("kafka", KafkaComponent.class);
        kafka.getConfiguration().setBrokers("in-memory:9092");
        kafka.getConfiguration().setValueSerializer(ByteArraySerializer.class.getName());
        kafka.setKafkaClientFactory(new DefaultKafkaClientFactory() {
            @Override
            public Producer getProducer(Properties kafkaProps) {
                return broker;
            }
        });
        TypeCatalog types = new TypeCatalog(Map.of("movie", new RecordType("movie", "movies", "movie_id",
                "movie_detail")));
        DeadLetterRecord deadLetters = new DeadLetterRecord("dlq", 100);
        KafkaAvailability availability = new KafkaAvailability("in-memory:9092", budget, Records.clusterThatDoesNotAnswer());
        context.getRegistry().bind("ingestionMetadata", new IngestionMetadata("run"));
        context.getRegistry().bind("recordParser", new RecordParser(types, 1 << 20));
        context.getRegistry().bind("eventTimestamp", new EventTimestamp(TimestampPolicy.PROCESSING_TIME,
                new EventTimeWindows(Map.of()), new Seed(1)));
        context.getRegistry().bind("recordEnricher", new RecordEnricher());
        context.getRegistry().bind("deadLetterRecord", deadLetters);
        context.getRegistry().bind("recordAddressing", new RecordAddressing(types));
        context.getRegistry().bind("kafkaRecords", new KafkaRecords(context, new Pacer(0)));
        context.getRegistry().bind("kafka-redeliveries", redeliveries);
        context.getRegistry().bind("windowOutcomes", new WindowOutcomes(files.lifecycle(), stats, availability,
                deadLetters, 3, 10, 40, 100));
        return context;
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties properties = new Properties();
        properties.setProperty("ingestion.transactional", "false");
        properties.setProperty("ingestion.dead-letter.topic", "dlq");
        return properties;
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        return new RoutesBuilder[] {new PreprocessRoute(), new PublishRoute(), new KafkaSendRoute()};
    }

    private List<Record> file(String name, List<String> lines) throws IOException, InterruptedException {
        return files.admittedFile(name, lines, budget);
    }

    private static String movie(int id) {
        return "{\"movie_id\": " + id + ", \"movie_detail\": {\"title\": \"m" + id + "\"}}";
    }

    private static String large(int id) {
        return "{\"movie_id\": " + id + ", \"movie_detail\": {\"overview\": \"" + "x".repeat(TOO_LARGE) + "\"}}";
    }

    private void sendWindow(List<Record> window) {
        template.sendBody("direct:preprocess", new ArrayList<>(window));
        await().atMost(Duration.ofSeconds(10)).until(() -> budget.bytesInFlight() == 0);
    }

    /** The file settles as done: its checkpoint says every line up to {@code lines} is resolved, and it is moved. */
    private void settlesDone(SourceFile file, long lines) {
        files.awaitMovedTo(".done", file.identity().substring("movie/new/".length()));
        assertThat(checkpoints.find(file.identity())).hasValueSatisfying(checkpoint -> {
            assertThat(checkpoint.done()).isTrue();
            assertThat(checkpoint.line()).isEqualTo(lines);
        });
    }

    @Test
    void aWindowMixingGoodRejectedAndTooLargeRecordsSettlesEachFromItsOwnResult() throws Exception {
        List<Record> window = file("mixed.jsonl", List.of(movie(1), "{\"movie_id\": 2, \"movie_detail\": {\"t",
                large(3), movie(4), "[5]"));

        sendWindow(window);

        assertThat(stats.published()).isEqualTo(2);
        assertThat(stats.deadLetteredByReason()).containsEntry("malformed_json", 1L)
                .containsEntry("not_an_object", 1L).containsEntry("record_too_large", 1L);
        assertThat(stats.failed()).isZero();
        assertThat(broker.history()).filteredOn(record -> record.topic().equals("movies"))
                .extracting(ProducerRecord::key).containsExactlyInAnyOrder("1", "4");
        assertThat(broker.history()).filteredOn(record -> record.topic().equals("dlq")).hasSize(3)
                .anySatisfy(record -> {
                    assertThat(record.key()).isEqualTo("3");
                    assertThat(header(record, "dead_letter_reason")).isEqualTo("record_too_large");
                    assertThat(header(record, "truncated")).isEqualTo("true");
                    assertThat(record.value()).hasSize(100);
                });
        assertThat(broker.sendsOf("3")).as("refused, then sent as a dead letter").isEqualTo(2);
        assertThat(broker.sendsOf("1")).isEqualTo(1);
        settlesDone(window.get(0).file(), 5);
    }

    @Test
    void aRecordFailingWithARetriableErrorIsSentAgainAloneWhileTheRestOfItsWindowIsAcknowledgedOnce()
            throws Exception {
        List<Record> window = file("retry.jsonl", List.of(movie(11), movie(12), movie(13), movie(14), movie(15)));
        broker.failures.put("13", new AtomicInteger(1));

        sendWindow(window);

        assertThat(broker.sendsOf("13")).as("failed once, sent again").isEqualTo(2);
        for (String key : List.of("11", "12", "14", "15")) {
            assertThat(broker.sendsOf(key)).as("acknowledged record %s sent once", key).isEqualTo(1);
        }
        assertThat(broker.history()).extracting(ProducerRecord::key).containsExactlyInAnyOrder("11", "12", "13", "14",
                "15");
        assertThat(stats.published()).isEqualTo(5);
        settlesDone(window.get(0).file(), 5);
    }

    @Test
    void aWindowSpanningSeveralFilesFinishesEveryFileWhoseLastRecordsItHolds() throws Exception {
        List<Record> first = file("first.jsonl", List.of(movie(21), movie(22)));
        List<Record> second = file("second.jsonl", List.of(movie(31), "not json", movie(33)));
        List<Record> window = new ArrayList<>(first);
        window.addAll(second);
        window.sort((a, b) -> Long.compare(a.line().number(), b.line().number()));

        sendWindow(window);

        assertThat(stats.published()).isEqualTo(4);
        assertThat(stats.deadLettered()).isEqualTo(1);
        settlesDone(first.get(0).file(), 2);
        settlesDone(second.get(0).file(), 3);
    }

    @Test
    void aRecordStillFailingAfterEveryRetryIsNotDeliveredAndHoldsItsFileBack() throws Exception {
        List<Record> window = file("stuck.jsonl", List.of(movie(41), movie(42)));
        broker.failures.put("42", new AtomicInteger(100));

        sendWindow(window);

        assertThat(broker.sendsOf("42")).as("the first send and three retries").isEqualTo(4);
        assertThat(stats.failed()).isEqualTo(1);
        SourceFile file = window.get(0).file();
        files.awaitMovedTo(".error", "stuck.jsonl");
        assertThat(checkpoints.find(file.identity())).hasValueSatisfying(checkpoint -> {
            assertThat(checkpoint.done()).isFalse();
            assertThat(checkpoint.line()).as("the checkpoint never passes it").isEqualTo(1);
        });
    }

    private static String header(ProducerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
