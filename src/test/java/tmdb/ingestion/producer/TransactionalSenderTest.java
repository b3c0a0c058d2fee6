package tmdb.ingestion.producer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.checkpoint.KafkaCheckpointStore;
import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.checkpoint.Deployment;
import tmdb.ingestion.checkpoint.DoneRetention;
import tmdb.ingestion.checkpoint.FilePartitions;
import tmdb.ingestion.config.StopDeadline;
import tmdb.ingestion.deadletter.DeadLetterRecord;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.file.IngestionStats;
import tmdb.ingestion.record.Record;
import tmdb.ingestion.support.LifecycleFixture;
import tmdb.ingestion.support.Records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The exactly-once sender against Kafka's own {@code MockProducer}, one per producer the sender creates: records and
 * their files' checkpoints in one transaction; a commit that times out retried, never aborted; a failed transaction
 * aborted and its records sent again once; a fencing of a transaction older than the transaction timeout taken as
 * the coordinator's abort (new producer, records again), a younger one as another instance; an authorization error
 * named as such.
 */
class TransactionalSenderTest {

    /**
     * transaction.timeout.ms where a test needs a transaction that outlived it: 0, so that any transaction with a
     * record sent has (the mock does not check it); the others keep Kafka's default.
     */
    private static final long OUTLIVED_TRANSACTION_TIMEOUT_MS = 0;

    @TempDir
    Path dir;

    private final InFlightBudget budget = new InFlightBudget(1 << 20);
    private final IngestionStats stats = new IngestionStats();
    private final List<Broker> producers = new CopyOnWriteArrayList<>();
    private final AtomicInteger stopsAsked = new AtomicInteger();
    private LifecycleFixture files;
    private final KafkaAvailability availability = new KafkaAvailability("in-memory:9092", budget,
            Records.clusterThatDoesNotAnswer());
    private TransactionalSender sender;
    /** Makes the producers the senders start with; a test may make it wait. */
    private volatile Function<Properties, Broker> newBroker = settings -> new Broker();
    private final StopDeadline stopDeadline = new StopDeadline();

    /** A producer whose records all go to partition 0 (the mock has no cluster to partition by). */
    private static class Broker extends MockProducer<String, byte[]> {

        Broker() {
            super(true, null, new StringSerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
            if (sendException != null) {
                callback.onCompletion(null, sendException);
                return CompletableFuture.failedFuture(sendException);
            }
            return super.send(new ProducerRecord<>(record.topic(), 0, record.key(), record.value(), record.headers()),
                    callback);
        }

        List<String> committedKeys(String topic) {
            return history().stream().filter(record -> record.topic().equals(topic)).map(ProducerRecord::key)
                    .toList();
        }
    }

    private TransactionalSender sender() throws IOException {
        return sender(Duration.ofMinutes(1).toMillis());
    }

    private TransactionalSender sender(long transactionTimeoutMs) throws IOException {
        return sender(transactionTimeoutMs, 0, new CommitBacklog(1L << 30));
    }

    /** A started sender of this files partition, sharing this backlog; it commits every hour but for the backlog. */
    private TransactionalSender sender(long transactionTimeoutMs, int partition, CommitBacklog backlog)
            throws IOException {
        TransactionalSender created = newSender(transactionTimeoutMs, partition, backlog);
        created.start();
        return created;
    }

    /** The senders of the partitions an instance takes, each made as {@link #newSender} makes it. */
    private PartitionSenders partitionSenders() {
        return new PartitionSenders(partition -> {
            try {
                return newSender(Duration.ofMinutes(1).toMillis(), partition, new CommitBacklog(1L << 30));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, files.lifecycle()::lastClaimId);
    }

    /** A sender as {@link #sender(long, int, CommitBacklog)} makes it, not started (as PartitionSenders takes it). */
    private TransactionalSender newSender(long transactionTimeoutMs, int partition, CommitBacklog backlog)
            throws IOException {
        DeadLetterRecord deadLetters = new DeadLetterRecord("dlq", 100);
        KafkaCheckpointStore checkpoints = new KafkaCheckpointStore("checkpoints", Properties::new, null, "run", true,
                new Deployment("test", "the test", Map.of("movie", "movies")), new FilePartitions(),
                new DoneRetention(Duration.ofDays(7)));
        if (files == null) {
            files = new LifecycleFixture(dir, checkpoints, stats);
        }
        WindowOutcomes outcomes = new WindowOutcomes(files.lifecycle(), stats, availability, deadLetters, 3, 10, 40,
                100);
        Properties config = new Properties();
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(transactionTimeoutMs));
        TransactionalSender created = new TransactionalSender(() -> (Properties) config.clone(), settings -> {
            Broker producer = newBroker.apply(settings);
            producers.add(producer);
            return producer;
        }, "tx-" + partition, partition, Duration.ofHours(1).toMillis(), backlog, checkpoints, files.lifecycle(),
                outcomes,
                availability, new Pacer(0),
                deadLetters, new SimpleMeterRegistry(), stopDeadline);
        created.onFenced(stopsAsked::incrementAndGet);
        return created;
    }

    @AfterEach
    void stop() throws Exception {
        if (sender != null) {
            sender.stop();
        }
        if (files != null) {
            files.close();
        }
    }

    /** A file of movies with these ids, read and admitted, addressed to topic {@code movies} and keyed by id. */
    private List<Record> window(String name, int... ids) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int id : ids) {
            lines.add("{\"movie_id\": " + id + "}");
        }
        List<Record> records = files.admittedFile(name, lines, budget);
        for (int i = 0; i < ids.length; i++) {
            records.get(i).value(lines.get(i).getBytes(StandardCharsets.UTF_8));
            records.get(i).address("movies", Integer.toString(ids[i]));
        }
        return records;
    }

    private void send(List<Record> window) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setBody(new ArrayList<>(window));
        sender.process(exchange);
    }

    private Broker producer(int index) {
        return producers.get(index);
    }

    @Test
    void recordsAndTheCheckpointOfTheirFileAreCommittedInOneTransaction() throws Exception {
        sender = sender();
        List<Record> window = window("a.jsonl", 1, 2, 3);

        send(window);
        sender.commit();

        assertThat(producer(0).commitCount()).isEqualTo(1);
        assertThat(producer(0).committedKeys("movies")).containsExactly("1", "2", "3");
        assertThat(producer(0).committedKeys("checkpoints")).containsExactly("test|movie/new/a.jsonl");
        assertThat(stats.published()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> files.progress(window.get(0).file()).line() == 3);
        assertThat(budget.bytesInFlight()).as("committed records give their budget back").isZero();
    }

    @Test
    void recordsWaitingInSeveralSendersCommitEarlyTogetherThoughNoneHoldsTheThresholdAlone() throws Exception {
        // crossed by the second sender's last record only, so that its commit holds all three
        long threshold = 4L * "{\"movie_id\": 1}".length() + 1;
        CommitBacklog backlog = new CommitBacklog(threshold);
        sender = sender(Duration.ofMinutes(1).toMillis(), 0, backlog);
        TransactionalSender other = sender(Duration.ofMinutes(1).toMillis(), 1, backlog);
        try {
            List<Record> first = window("a.jsonl", 1, 2);
            List<Record> second = window("b.jsonl", 4, 5, 6);
            long firstHolds = first.stream().mapToLong(record -> record.line().permits()).sum();
            long secondHolds = second.stream().mapToLong(record -> record.line().permits()).sum();
            assertThat(firstHolds).as("each sender alone below the threshold").isLessThan(threshold);
            assertThat(secondHolds).isLessThan(threshold);
            assertThat(firstHolds + secondHolds).as("both together at it").isGreaterThanOrEqualTo(threshold);

            send(first);
            assertThat(backlog.bytes()).isEqualTo(firstHolds);
            assertThat(producer(0).commitCount()).as("below the threshold: no early commit").isZero();

            Exchange exchange = new DefaultExchange(new DefaultCamelContext());
            exchange.getIn().setBody(new ArrayList<>(second));
            other.process(exchange);

            await().atMost(Duration.ofSeconds(10)).until(() -> producer(0).commitCount() == 1
                    && producer(1).commitCount() == 1);
            assertThat(producer(0).committedKeys("movies")).as("the sender that did not cross it commits too")
                    .containsExactly("1", "2");
            assertThat(producer(1).committedKeys("movies")).containsExactly("4", "5", "6");
            await().atMost(Duration.ofSeconds(10)).until(() -> backlog.bytes() == 0);
        } finally {
            other.stop();
        }
    }

    @Test
    void aStoppedSendersRecordsLeaveTheBacklog() throws Exception {
        CommitBacklog backlog = new CommitBacklog(1L << 30);
        sender = sender(Duration.ofMinutes(1).toMillis(), 0, backlog);
        List<Record> window = window("a.jsonl", 1, 2);
        send(window);
        assertThat(backlog.bytes()).isPositive();

        sender.commit();
        assertThat(backlog.bytes()).as("committed").isZero();

        send(window("b.jsonl", 3));
        sender.stop();
        sender = null;
        assertThat(backlog.bytes()).as("abandoned by the stop").isZero();
    }

    @Test
    void aCheckpointSavedOutsideRecordsThatKnowsLessThanTheLastCommittedOneIsNotCommittedOverIt() throws Exception {
        sender = sender();
        List<Record> window = window("a.jsonl", 1, 2, 3);
        send(window);
        sender.commit();
        await().atMost(Duration.ofSeconds(10)).until(() -> files.progress(window.get(0).file()).line() == 3);
        Checkpoint committed = files.progress(window.get(0).file());
        Checkpoint knowingLess = new Checkpoint(committed.file(), committed.size(), committed.fingerprint(), 1,
                committed.offset() / 3, 1, List.of(), false);

        CompletableFuture<Void> saved = sender.save(knowingLess);
        sender.commit();

        assertThat(saved).as("answered: it is as good as committed").isCompleted();
        assertThat(producer(0).committedKeys("checkpoints")).as("the committed one stays the last")
                .containsExactly("test|movie/new/a.jsonl");
    }

    @Test
    void aCommitThatTimesOutIsRetriedAsItIsNeverAbortedAndNothingIsSentTwice() throws Exception {
        sender = sender();
        send(window("a.jsonl", 1, 2));
        producer(0).commitTransactionException = new TimeoutException("EndTxn timed out");

        Thread committing = new Thread(sender::commit);
        committing.start();
        await().atMost(Duration.ofSeconds(5)).until(availability::waiting);
        assertThat(stats.published()).isZero();
        producer(0).commitTransactionException = null;
        committing.join(Duration.ofSeconds(10).toMillis());

        assertThat(committing.isAlive()).isFalse();
        assertThat(producer(0).transactionAborted()).isFalse();
        assertThat(producer(0).committedKeys("movies")).containsExactly("1", "2");
        assertThat(producers).as("the same producer throughout").hasSize(1);
        assertThat(stats.published()).isEqualTo(2);
    }

    @Test
    void aTransactionWithAFailedSendIsLeftToTheBrokerToAbortAndAllItsRecordsGoAgainThroughANewProducer()
            throws Exception {
        sender = sender();
        producer(0).sendException = new KafkaException("the leader went away");
        send(window("a.jsonl", 1, 2, 3));
        producer(0).sendException = null;

        sender.commit();
        assertThat(producer(0).commitCount()).as("the failed transaction is not committed").isZero();
        assertThat(producer(0).transactionAborted()).as("not aborted by this instance: the new producer's start "
                + "aborts it on the broker").isFalse();
        assertThat(stats.published()).isZero();
        sender.commit();

        assertThat(producers).hasSize(2);
        assertThat(producer(1).commitCount()).isEqualTo(1);
        assertThat(producer(1).committedKeys("movies")).containsExactlyInAnyOrder("1", "2", "3");
        assertThat(stats.published()).isEqualTo(3);
        assertThat(stopsAsked).hasValue(0);
    }

    @Test
    void anInvalidStateAnsweringASendIsNotAFencingTheRecordsGoAgain() throws Exception {
        sender = sender();
        producer(0).sendException = new InvalidTxnStateException("partition verification failed");
        send(window("a.jsonl", 1, 2));
        producer(0).sendException = null;

        sender.commit();
        sender.commit();

        assertThat(stopsAsked).as("only a commit answered so is another instance's doing").hasValue(0);
        assertThat(producer(producers.size() - 1).committedKeys("movies")).containsExactlyInAnyOrder("1", "2");
    }

    @Test
    void aFailedTransactionOlderThanTheTimeoutIsNotAbortedByThisInstanceANewProducerTakesOver() throws Exception {
        sender = sender(OUTLIVED_TRANSACTION_TIMEOUT_MS);
        producer(0).sendException = new TimeoutException("Expiring 3 record(s): the broker is away");
        send(window("a.jsonl", 1, 2, 3));
        producer(0).sendException = null;

        sender.commit();
        sender.commit();

        assertThat(producer(0).transactionAborted()).as("the coordinator aborts it; an abort of ours would race")
                .isFalse();
        assertThat(producers).as("a new producer took over").hasSize(2);
        assertThat(producer(1).committedKeys("movies")).containsExactlyInAnyOrder("1", "2", "3");
        assertThat(stopsAsked).hasValue(0);
    }

    @Test
    void aFencingOfAYoungTransactionIsAnotherInstanceAndStopsThisOneWithoutCommitting() throws Exception {
        sender = sender();
        send(window("a.jsonl", 1, 2));
        producer(0).fenceProducer();

        sender.commit();

        assertThat(stopsAsked).hasValue(1);
        assertThat(producer(0).commitCount()).isZero();
        assertThat(producers).as("no new producer takes over").hasSize(1);
        assertThat(stats.published()).isZero();
        assertThat(budget.bytesInFlight()).as("the records hold no budget").isZero();
    }

    @Test
    void aFencingOfATransactionOlderThanTheTimeoutIsTheCoordinatorsAbortANewProducerSendsTheRecordsAgain()
            throws Exception {
        sender = sender(OUTLIVED_TRANSACTION_TIMEOUT_MS);
        send(window("a.jsonl", 1, 2));
        producer(0).fenceProducer();

        sender.commit();
        sender.commit();

        assertThat(stopsAsked).as("not another instance").hasValue(0);
        assertThat(producers).as("a new producer took over").hasSize(2);
        assertThat(producer(0).commitCount()).isZero();
        assertThat(producer(1).committedKeys("movies")).containsExactlyInAnyOrder("1", "2");
        assertThat(stats.published()).isEqualTo(2);
    }

    @Test
    void aCommitAnsweredWithAnInvalidStateJustAfterAnotherInstanceStartedIsTakenAsAFencing() throws Exception {
        sender = sender();
        send(window("a.jsonl", 1, 2));
        producer(0).commitTransactionException = new InvalidTxnStateException("COMPLETE_ABORT, but received COMMIT");

        sender.commit();

        assertThat(stopsAsked).as("another instance took over (KAFKA-20785)").hasValue(1);
        assertThat(producers).as("no new producer fences the instance that took over").hasSize(1);
        assertThat(stats.published()).isZero();
    }

    @Test
    void anAuthorizationErrorStopsTheInstanceAndIsNotRetried() throws Exception {
        sender = sender();
        send(window("a.jsonl", 1));
        producer(0).commitTransactionException = new TransactionalIdAuthorizationException("not allowed");

        sender.commit();

        assertThat(stopsAsked).hasValue(1);
        assertThat(producers).hasSize(1);
        assertThat(stats.published()).isZero();
        assertThat(budget.bytesInFlight()).as("the records hold no budget").isZero();
    }

    @Test
    void aRecoveryTheStopEndsLeavesNoTransactionForTheStopsLastCommitToCommit() throws Exception {
        sender = sender();
        producer(0).sendException = new KafkaException("the leader went away");
        List<Record> window = window("a.jsonl", 1, 2, 3);
        send(window);
        producer(0).sendException = null;
        sender.commit();
        assertThat(producers).as("the records went again, into a new producer's transaction").hasSize(2);
        files.lifecycle().release(Set.of(0), true, Duration.ZERO).get(10, TimeUnit.SECONDS);
        CompletableFuture<Void> saved = sender.save(new Checkpoint("movie/new/b.jsonl", 10, "fingerprint", 1, 10, 1,
                List.of(), true));

        // finds a.jsonl let go, drops its records and pauses before replacing the producer; the stop comes then
        Thread committing = new Thread(sender::commit, "committing");
        committing.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> inFrame(committing, TransactionalSender.class, "sleep"));
        sender.stop();
        sender = null;
        committing.join(Duration.ofSeconds(10).toMillis());

        assertThat(committing.isAlive()).isFalse();
        assertThat(producers).as("records committed by any producer")
                .allSatisfy(producer -> assertThat(producer.committedKeys("movies")).isEmpty());
        assertThat(producer(1).closed()).as("the transaction holding them is left to the next producer to abort")
                .isTrue();
        assertThat(saved).as("the checkpoint saved outside records is still committed by the stop").isCompleted();
        assertThat(stats.published()).isZero();
        assertThat(budget.bytesInFlight()).isZero();
    }

    @Test
    void aLostPartitionsSenderCommitsNothingMoreAndStartsNoProducerThatWouldFenceTheNewOwner() throws Exception {
        CommitBacklog backlog = new CommitBacklog(1L << 30);
        sender = sender(Duration.ofMinutes(1).toMillis(), 0, backlog);
        send(window("a.jsonl", 1, 2));
        CompletableFuture<Void> saved = sender.save(new Checkpoint("movie/new/b.jsonl", 10, "fingerprint", 1, 10, 1,
                List.of(), true));

        sender.lose();
        send(window("c.jsonl", 3));
        sender.commit();
        sender.stop();
        sender = null;

        assertThat(producers).as("no producer takes the transactional id back").hasSize(1);
        assertThat(producer(0).commitCount()).as("neither a scheduled commit nor the stop's").isZero();
        assertThat(producer(0).uncommittedRecords()).as("nothing sent once lost").hasSize(2);
        assertThat(producer(0).closed()).isTrue();
        assertThat(saved).isCompletedExceptionally();
        assertThat(stats.published()).isZero();
        assertThat(budget.bytesInFlight()).isZero();
        assertThat(backlog.bytes()).isZero();
    }

    @Test
    void aRecordThatGotPastTheLossOfItsPartitionStartsNoProducer() throws Exception {
        sender = sender();
        producer(0).sendException = new KafkaException("the leader went away");
        send(window("a.jsonl", 1, 2, 3));
        producer(0).sendException = null;
        List<Record> late = window("b.jsonl", 4);

        // the recovery pauses with the transaction's lock held; a window's record, already past the check for a stop,
        // waits for the lock; the loss comes; the recovery closes the producer and lets the record through
        Thread committing = new Thread(sender::commit, "committing");
        committing.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> inFrame(committing, TransactionalSender.class, "sleep"));
        Thread sending = new Thread(() -> sender.send(late), "Window worker");
        sending.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> inFrame(sending, ReentrantReadWriteLock.ReadLock.class,
                "lock"));
        sender.lose();
        committing.join(Duration.ofSeconds(10).toMillis());
        sending.join(Duration.ofSeconds(10).toMillis());
        sender.stop();
        sender = null;

        assertThat(committing.isAlive() || sending.isAlive()).isFalse();
        assertThat(producers).as("no producer took the transactional id back from the new owner").hasSize(1);
        assertThat(producers).allSatisfy(producer -> assertThat(producer.commitCount()).isZero());
        assertThat(budget.bytesInFlight()).isZero();
    }

    @Test
    void aLastCommitTheStopGaveUpWaitingForStartsNoProducerOnceTheStopIsOver() throws Exception {
        sender = sender();
        producer(0).sendException = new KafkaException("the leader went away");
        send(window("a.jsonl", 1, 2));
        producer(0).sendException = null;
        CountDownLatch making = new CountDownLatch(1);
        CountDownLatch made = new CountDownLatch(1);
        newBroker = settings -> {
            making.countDown();
            try {
                assertThat(made.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Broker();
        };

        // the recovery closes the failed producer and makes the next one; the stop comes meanwhile, gives up waiting
        // for the commit, finds no producer to close and is over; then the new producer is made
        Thread committing = new Thread(sender::commit, "committing");
        committing.start();
        assertThat(making.await(30, TimeUnit.SECONDS)).isTrue();
        stopDeadline.start(Duration.ofMillis(200));
        sender.stop();
        sender = null;
        made.countDown();
        committing.join(Duration.ofSeconds(10).toMillis());

        assertThat(committing.isAlive()).isFalse();
        assertThat(producers).hasSize(2);
        assertThat(producer(1).transactionInitialized()).as("the transactional id taken after the stop").isFalse();
        assertThat(producer(1).closed()).isTrue();
        assertThat(producers).allSatisfy(producer -> assertThat(producer.commitCount()).isZero());
        assertThat(budget.bytesInFlight()).isZero();
    }

    private static boolean inFrame(Thread thread, Class<?> type, String method) {
        return Arrays.stream(thread.getStackTrace()).anyMatch(frame -> frame.getClassName().equals(type.getName())
                && frame.getMethodName().equals(method));
    }

    @Test
    void aPartitionTakenAgainSendsNoRecordOfAFileClaimedInItsEarlierOwnershipAndSavesNothingOnceLost()
            throws Exception {
        sender = sender(); // the lifecycle's fixture, and partition 0's sender of the earlier ownership
        List<Record> earlier = window("a.jsonl", 1, 2);
        sender.stop();
        PartitionSenders senders = partitionSenders();
        senders.take(Set.of(0));
        try {
            List<Record> now = window("b.jsonl", 3);
            List<Record> both = new ArrayList<>(earlier);
            both.addAll(now);
            Exchange exchange = new DefaultExchange(new DefaultCamelContext());
            exchange.getIn().setBody(both);

            senders.process(exchange);

            assertThat(budget.bytesInFlight()).as("the earlier ownership's records give their budget back")
                    .isEqualTo(now.get(0).line().permits());
            assertThat(producer(1).uncommittedRecords()).extracting(ProducerRecord::key).containsExactly("3");
        } finally {
            senders.lose(Set.of(0));
        }
        assertThat(senders.save(0, files.progress(earlier.get(0).file()))).as("the partition is not this instance's")
                .isCompletedExceptionally();
        assertThat(producer(1).commitCount()).isZero();
        assertThat(budget.bytesInFlight()).isZero();
    }

    @Test
    void theTransactionalIdsOfSeveralPartitionsAreTakenAtOnce() throws Exception {
        sender = sender(); // the lifecycle's fixture
        CountDownLatch allStarting = new CountDownLatch(3);
        newBroker = settings -> new Broker() {
            @Override
            public void initTransactions() {
                allStarting.countDown();
                try {
                    if (!allStarting.await(10, TimeUnit.SECONDS)) {
                        throw new TimeoutException("the other partitions' ids were not being taken meanwhile");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.initTransactions();
            }
        };
        PartitionSenders senders = partitionSenders();
        try {
            senders.take(Set.of(1, 2, 3));

            assertThat(allStarting.getCount()).isZero();
            assertThat(producers).as("the fixture's and one per partition").hasSize(4);
        } finally {
            senders.hand(Set.of(1, 2, 3));
        }
    }

    @Test
    void aPartitionWhoseIdIsNotTakenInTimeFailsTheTakeTheOthersStayTakenAndTheNextTakeTakesOnlyIt() throws Exception {
        sender = sender(); // the lifecycle's fixture
        AtomicBoolean kafkaAway = new AtomicBoolean(true);
        List<Object> takenIds = new CopyOnWriteArrayList<>();
        List<Broker> failedStarts = new CopyOnWriteArrayList<>();
        newBroker = settings -> new Broker() {
            @Override
            public void initTransactions() {
                Object id = settings.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
                if (id.equals("tx-2") && kafkaAway.get()) {
                    failedStarts.add(this);
                    throw new TimeoutException("Timeout expired after 15000ms while awaiting InitProducerId");
                }
                super.initTransactions();
                takenIds.add(id);
            }
        };
        PartitionSenders senders = partitionSenders();
        try {
            // in this order, a take one after the other would not even try the partition after the failed one
            assertThatThrownBy(() -> senders.take(new TreeSet<>(Set.of(1, 2, 3)))).isInstanceOf(TimeoutException.class);
            assertThat(takenIds).containsExactlyInAnyOrder("tx-1", "tx-3");
            assertThat(failedStarts).as("the failed start's producer is closed").singleElement()
                    .satisfies(producer -> assertThat(producer.closed()).isTrue());

            kafkaAway.set(false);
            senders.take(Set.of(1, 2, 3));

            assertThat(takenIds).as("each id taken once").containsExactlyInAnyOrder("tx-1", "tx-3", "tx-2");
        } finally {
            senders.hand(Set.of(1, 2, 3));
        }
    }

    @Test
    void anInterruptedTakeInterruptsTheStartsStillWaitingForKafkaAndNoneTakesItsIdAfterIt() throws Exception {
        sender = sender(); // the lifecycle's fixture
        CountDownLatch waiting = new CountDownLatch(1);
        List<Object> takenIds = new CopyOnWriteArrayList<>();
        List<Broker> interruptedStarts = new CopyOnWriteArrayList<>();
        newBroker = settings -> new Broker() {
            @Override
            public void initTransactions() {
                Object id = settings.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
                if (id.equals("tx-2")) {
                    waiting.countDown();
                    try {
                        new CountDownLatch(1).await(30, TimeUnit.SECONDS); // Kafka does not answer
                    } catch (InterruptedException e) {
                        interruptedStarts.add(this);
                        throw new InterruptException(e);
                    }
                }
                super.initTransactions();
                takenIds.add(id);
            }
        };
        PartitionSenders senders = partitionSenders();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interruptKept = new AtomicBoolean();
        Thread taking = new Thread(() -> {
            try {
                senders.take(Set.of(1, 2, 3));
            } catch (RuntimeException e) {
                thrown.set(e);
                interruptKept.set(Thread.currentThread().isInterrupted());
            }
        }, "taking");
        try {
            taking.start();
            assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> takenIds.size() == 2);
            taking.interrupt();
            taking.join(Duration.ofSeconds(10).toMillis());

            assertThat(taking.isAlive()).isFalse();
            assertThat(thrown.get()).isInstanceOf(InterruptException.class);
            assertThat(interruptKept).as("the interrupt is kept for the caller").isTrue();
            assertThat(interruptedStarts).as("the start waiting for Kafka was interrupted and its producer closed")
                    .singleElement().satisfies(producer -> assertThat(producer.closed()).isTrue());
            assertThat(takenIds).containsExactlyInAnyOrder("tx-1", "tx-3");
        } finally {
            senders.hand(Set.of(1, 2, 3));
        }
    }

    @Test
    void aTakeThatKafkaRefusesForOnePartitionAndTimesOutForAnotherThrowsTheRefusalWhichRetryingWouldNotChange()
            throws Exception {
        sender = sender(); // the lifecycle's fixture
        newBroker = settings -> new Broker() {
            @Override
            public void initTransactions() {
                Object id = settings.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
                if (id.equals("tx-1")) {
                    throw new TimeoutException("Timeout expired after 15000ms while awaiting InitProducerId");
                }
                if (id.equals("tx-2")) {
                    throw new TransactionalIdAuthorizationException("Transactional Id authorization failed.");
                }
                super.initTransactions();
            }
        };
        PartitionSenders senders = partitionSenders();
        try {
            assertThatThrownBy(() -> senders.take(new TreeSet<>(Set.of(1, 2, 3))))
                    .isInstanceOf(TransactionalIdAuthorizationException.class)
                    .satisfies(refusal -> assertThat(refusal.getSuppressed()).singleElement()
                            .isInstanceOf(TimeoutException.class));
        } finally {
            senders.hand(Set.of(1, 2, 3));
        }
    }
}
