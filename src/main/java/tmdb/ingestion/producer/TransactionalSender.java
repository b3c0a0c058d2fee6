package tmdb.ingestion.producer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.checkpoint.KafkaCheckpointStore;
import tmdb.ingestion.config.StopDeadline;
import tmdb.ingestion.deadletter.DeadLetterRecord;
import tmdb.ingestion.file.CommitCheckpoints;
import tmdb.ingestion.file.FileLifecycle;
import tmdb.ingestion.file.SourceFile;
import tmdb.ingestion.producer.TransactionBatch.Pending;
import tmdb.ingestion.producer.TransactionBatch.Saving;
import tmdb.ingestion.record.Record;
import tmdb.ingestion.record.RecordProcessor;
import tmdb.ingestion.record.Rejection;

/**
 * Exactly-once delivery: records and dead letters go into a Kafka transaction together with the checkpoints of
 * their files, and the transaction is committed every {@code ingestion.exactly-once.commit-interval-ms}. A
 * {@code read_committed} consumer sees a record only once its file's checkpoint says it was sent, so a restart
 * after any crash resumes exactly after the last committed line: nothing twice, nothing missing. Records count as
 * delivered (and their files may finish) only after the commit.
 * <p>
 * camel-kafka's {@code transacted} option commits one transaction per exchange, that is per record here; grouping
 * a window of records with their checkpoints needs one owner of the transaction, hence this sender. A transaction
 * that fails (the broker went away) is aborted on the broker and its records are sent again in the next one, after
 * a pause; a record the broker refuses as too large becomes a dead letter, sent in the next one. Another instance
 * starting with the same transactional id fences this one: it stops sending, says so, and the application stops.
 */
public final class TransactionalSender extends ServiceSupport implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalSender.class);
    private static final long RETRY_PAUSE_MS = 1000;
    private static final long ANSWER_TIMEOUT_MS = 30_000;
    /**
     * Closing the producer after the last commit waits this long at most: a committed producer has nothing left to
     * send, and one whose transaction failed would only wait for an abort the next owner makes anyway.
     */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);
    private static final String STOPPED_FIRST = "this instance stopped before they were committed";

    private final String transactionalId;
    private final int filesPartition;
    private final long commitIntervalMs;
    private final KafkaCheckpointStore checkpoints;
    private final FileLifecycle files;
    private final WindowOutcomes outcomes;
    private final KafkaAvailability availability;
    private final Pacer pacer;
    private final DeadLetterRecord deadLetters;
    private final ReentrantReadWriteLock transaction = new ReentrantReadWriteLock();

    private final CommittedCheckpoints committed = new CommittedCheckpoints();
    private final CommitBacklog backlog;
    private final TransactionBatch batch;
    private final Runnable commitSoon = this::commitSoon;
    private final StopDeadline stopDeadline;
    private volatile Runnable onFenced = () -> { };
    private final SenderState state;
    private final ProducerSlot slot;
    private CommitSchedule schedule;

    /**
     * @param newProducer      the Kafka producer for a configuration ({@code KafkaProducer}'s constructor; tests give
     *                         Kafka's {@code MockProducer})
     * @param backlog          the records waiting for their commits in all of this instance's senders, which make a
     *                         commit happen before its interval: records hold their in-flight budget until
     *                         committed, so waiting for the interval would cap the rate at the budget per interval
     */
    public TransactionalSender(Supplier<Properties> producerConfig,
                               Function<Properties, Producer<String, byte[]>> newProducer, String transactionalId,
                               int filesPartition, long commitIntervalMs, CommitBacklog backlog,
                               KafkaCheckpointStore checkpoints, FileLifecycle files, WindowOutcomes outcomes, KafkaAvailability availability, Pacer pacer,
                               DeadLetterRecord deadLetters, MeterRegistry meters, StopDeadline stopDeadline) {
        this.transactionalId = transactionalId;
        this.filesPartition = filesPartition;
        this.commitIntervalMs = commitIntervalMs;
        this.backlog = backlog;
        this.checkpoints = checkpoints;
        this.files = files;
        this.outcomes = outcomes;
        this.availability = availability;
        this.pacer = pacer;
        this.deadLetters = deadLetters;
        this.stopDeadline = stopDeadline;
        this.state = new SenderState(filesPartition);
        this.batch = new TransactionBatch(backlog, state::running);
        this.slot = new ProducerSlot(producerConfig, newProducer, transactionalId, commitIntervalMs, meters, state);
    }

    /**
     * What to do when this instance must stop sending: another instance took over the transactional id, or Kafka
     * refused the application's user (the application stops).
     */
    public void onFenced(Runnable action) {
        onFenced = action;
    }

    /**
     * The files partition was given to another instance while this one was cut off from the group: from now on
     * nothing is sent or committed, and the stop that follows makes no last commit. The open transaction is left as it
     * is, for the new owner's producer to abort when it takes the transactional id (this one taking it back to abort
     * it would fence the new owner); the files resume from their committed checkpoints.
     */
    public void lose() {
        state.enter(SenderState.Phase.LOST);
    }

    /**
     * Sends a window's records into the open transaction, released one by one by the pacer. Once the client refuses
     * one at once with an error worth retrying (the broker is away), the others are not sent but marked with that
     * error: the transaction recovers and sends them all again, instead of each waiting the client's
     * {@code max.block.ms}.
     */
    @Override
    public void process(Exchange exchange) {
        send(RecordProcessor.window(exchange));
    }

    /**
     * Commits a checkpoint the file lifecycle saves without records (a file handed over, settled, or put back into
     * its folder) with the next transaction, so that it is as durable as the checkpoints committed with records; the
     * answer completes once it is committed, or exceptionally when this sender stops first.
     */
    public CompletableFuture<Void> save(Checkpoint checkpoint) {
        CompletableFuture<Void> saved = new CompletableFuture<>();
        batch.save(new Saving(checkpoint, saved), "the transactions of files partition " + filesPartition
                + " have ended");
        return saved;
    }

    /** Sends these records into the open transaction, as {@link #process} does a window's. */
    public void send(List<Record> records) {
        Exception refused = null;
        for (Record record : pacer.released(records)) {
            if (!state.running()) {
                record.releaseBudget();
                continue;
            }
            Pending pending = new Pending(record);
            transaction.readLock().lock();
            try {
                if (refused == null) {
                    send(pending);
                    Exception error = pending.error().get();
                    refused = error != null && !(error instanceof RecordTooLargeException) ? error : null;
                } else {
                    pending.error().set(refused);
                }
                batch.add(pending);
            } finally {
                transaction.readLock().unlock();
            }
        }
    }

    /**
     * Takes the transactional id before anything else reads checkpoints: an older instance still running with it
     * is fenced and its open transaction aborted, so the checkpoints read next are final. A transaction begins with
     * the first record: an empty one left open would make closing the producer wait for its abort.
     */
    @Override
    protected void doStart() {
        slot.start();
        schedule = new CommitSchedule(this::commitOrLog, commitIntervalMs);
        backlog.join(commitSoon);
    }

    private void commitSoon() {
        if (state.running()) {
            schedule.soon();
        }
    }

    /** A commit on the schedule's thread: an unexpected failure would silently end the scheduled commits. */
    private void commitOrLog() {
        try {
            commit();
        } catch (RuntimeException e) {
            LOG.error("A commit of files partition {} failed unexpectedly; the next one takes its records",
                    filesPartition, e);
        }
    }

    /**
     * Commits what was sent, within the stop's deadline: a commit Kafka does not answer in time (it is away) is
     * given up by closing the producer, and the transaction left open is aborted by the next start's producer,
     * whose files resume from their committed checkpoints.
     */
    @Override
    protected void doStop() throws InterruptedException {
        state.enter(SenderState.Phase.STOPPING);
        backlog.leave(commitSoon);
        if (schedule == null) {
            state.enter(SenderState.Phase.RETIRED);
            slot.close();
            return;
        }
        try {
            if (state.phase() == SenderState.Phase.LOST) {
                if (schedule.stop(Math.min(stopDeadline.remaining().toMillis(), 30_000))) {
                    slot.close();
                } else {
                    // its calls now fail, and the commit gives its records up (which closes the producer again)
                    LOG.warn("A commit of files partition {}, given to another instance, still waits for Kafka: its "
                            + "producer is closed under it", filesPartition);
                    slot.closeUnlocked(Duration.ZERO);
                }
            } else {
                commitLastAndClose();
            }
        } finally {
            batch.abandon(STOPPED_FIRST);
        }
    }

    private void commitLastAndClose() throws InterruptedException {
        schedule.stop(Math.min(stopDeadline.remaining().toMillis(), 30_000));
        Thread lastCommit = new Thread(this::commit, "Last commit");
        lastCommit.setDaemon(true);
        lastCommit.start();
        lastCommit.join(Math.max(1, Math.min(stopDeadline.remaining().toMillis(), 60_000)));
        if (lastCommit.isAlive()) {
            LOG.warn("Stopped before Kafka answered the last commit: its records are not visible to read_committed "
                    + "consumers; the next start aborts the transaction and sends them again");
        }
        // from now on the last commit, if it still runs, starts no producer: one started after the partition's next
        // owner took the transactional id would take it back; the producer it may be starting is closed here at once,
        // so that a start waiting for Kafka sends nothing more
        state.enter(SenderState.Phase.RETIRED);
        slot.closeUnlocked(lastCommit.isAlive() ? Duration.ZERO : stopDeadline.remainingAtMost(CLOSE_TIMEOUT));
    }

    /**
     * Commits the open transaction with the checkpoints of its files. A commit that times out (the broker is
     * away) is retried as it is, never aborted: it may already be decided on the broker's side. Any other failure
     * leaves the transaction to be aborted on the broker and sends its records again ({@link #recover}).
     */
    void commit() {
        List<Pending> sent;
        List<Saving> saving;
        transaction.writeLock().lock();
        try {
            TransactionBatch.Taken taken = batch.take();
            sent = taken.records();
            saving = taken.checkpoints();
            if (state.commitsNothing()) {
                TransactionBatch.releaseBudget(sent);
                TransactionBatch.failed(saving, "another instance took over files partition " + filesPartition);
                return;
            }
            if (sent.isEmpty() && saving.isEmpty()) {
                return;
            }
            Exception failure = firstError(sent);
            if (failure != null || !slot.inTransaction() && !sent.isEmpty()) {
                batch.saveAgain(saving, STOPPED_FIRST);
                recover(sent, failure);
                return;
            }
            try {
                CommitCheckpoints reached = sent.isEmpty() ? new CommitCheckpoints(Map.of(), Set.of())
                        : checkpointsOf(sent);
                if (!reached.gone().isEmpty()) {
                    batch.saveAgain(saving, STOPPED_FIRST);
                    recover(withoutRecordsOf(reached.gone(), sent), new IllegalStateException("the files "
                            + reached.gone() + " were let go before their records were committed"));
                    return;
                }
                Map<String, Checkpoint> byFile = committed.toWrite(saving.stream().map(Saving::checkpoint).toList(),
                        reached.checkpoints().values());
                Producer<String, byte[]> producer = slot.sending();
                for (Checkpoint checkpoint : byFile.values()) {
                    producer.send(checkpoints.message(checkpoint));
                }
                if (!commitUntilDecided(sent)) {
                    TransactionBatch.releaseBudget(sent);
                    TransactionBatch.failed(saving, "the application stopped before Kafka answered the commit");
                    return;
                }
                committed.committed(byFile);
            } catch (KafkaException | IllegalStateException | IOException e) {
                batch.saveAgain(saving, STOPPED_FIRST);
                recover(sent, e);
                return;
            }
        } finally {
            transaction.writeLock().unlock();
        }
        saving.forEach(checkpoint -> checkpoint.saved().complete(null));
        outcomes.committed(sent.stream().map(Pending::record).toList());
    }

    /**
     * True once committed; false when the application stops before Kafka answers. The transaction is then left
     * undecided: the next start's producer settles it on the broker, and the checkpoints committed with it (or not)
     * say where each file resumes, so its records are neither lost nor doubled.
     */
    private boolean commitUntilDecided(List<Pending> sent) {
        while (true) {
            try {
                slot.commitTransaction();
                return true;
            } catch (TimeoutException e) {
                if (!state.running()) {
                    return false;
                }
                waitingForKafka(e, sent);
            } catch (KafkaException e) {
                if (causedBy(e, InvalidTxnStateException.class)) {
                    // Kafka 4.3 answers a commit that arrives just after another instance's start (or the timeout)
                    // aborted the transaction with INVALID_TXN_STATE instead of PRODUCER_FENCED (KAFKA-20785)
                    throw new ProducerFencedException("the commit was answered " + e.getMessage()
                            + ": the coordinator had aborted the transaction");
                }
                throw e;
            }
        }
    }

    /** Sends into the open transaction; a sender that may start no producer (fenced, lost) marks the record failed. */
    private void send(Pending pending) {
        try {
            slot.sending().send(pending.message(), (metadata, error) -> {
                if (error != null) {
                    pending.error().compareAndSet(null, error);
                }
            });
        } catch (KafkaException | IllegalStateException e) {
            pending.error().compareAndSet(null, e);
        }
    }

    private static Exception firstError(List<Pending> sent) {
        for (Pending pending : sent) {
            if (pending.error().get() != null) {
                return pending.error().get();
            }
        }
        return null;
    }

    /**
     * The checkpoints the files of these records reach once the records are committed, as the file lifecycle answers
     * (it owns the files' accounts); an answer that does not come in time fails the commit, which is tried again.
     */
    private CommitCheckpoints checkpointsOf(List<Pending> sent) throws IOException {
        Map<SourceFile, Set<Long>> linesByFile = new LinkedHashMap<>();
        for (Pending pending : sent) {
            linesByFile.computeIfAbsent(pending.record().file(), key -> new HashSet<>())
                    .add(pending.record().line().number());
        }
        try {
            return files.checkpointsAssuming(linesByFile).get(ANSWER_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking for the files' checkpoints", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("the files' checkpoints were not answered within " + ANSWER_TIMEOUT_MS + " ms", e);
        }
    }

    /** The records of files let go are not sent again here: the files' next reader sends them. */
    private static List<Pending> withoutRecordsOf(Set<SourceFile> gone, List<Pending> sent) {
        List<Pending> kept = new ArrayList<>();
        for (Pending pending : sent) {
            if (gone.contains(pending.record().file())) {
                pending.record().releaseBudget();
            } else {
                kept.add(pending);
            }
        }
        return kept;
    }

    /**
     * The transaction failed. This instance does not abort it: it replaces its producer, whose start makes the
     * coordinator abort it (after an outage longer than {@code transaction.timeout.ms}, an abort of ours racing the
     * coordinator's own left a partition without its abort marker on Kafka 4.3.1, and the next commit exposed the
     * aborted records). Records refused as too large become dead letters; the others go again in a new transaction.
     * A fencing of a transaction younger than the timeout is another instance, and so is another run's checkpoint
     * committed since the failed transaction began (a run that took the id over while this one was cut off, and
     * whose records are on Kafka already): this instance stops.
     */
    private void recover(List<Pending> sent, Exception cause) {
        long openFor = slot.openForNanos();
        long transactionStartMillis = System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(openFor);
        Exception problem = cause;
        boolean replaced = false;
        while (true) {
            if (problem != null && isRefusal(problem)) {
                refused(problem);
                TransactionBatch.releaseBudget(sent);
                return;
            }
            if (problem != null && isFencing(problem) && !slot.outlivedItsTimeout()) {
                fence(problem);
                TransactionBatch.releaseBudget(sent);
                return;
            }
            if (!state.running()) {
                giveUp(sent);
                return;
            }
            if (!replaced) {
                // a partition given to another instance while this one was cut off from the group is let go as
                // soon as the group says so (the instance's next poll, within this pause): taking its id back
                // would fence the new owner
                sleep();
                if (!state.running()) {
                    giveUp(sent);
                    return;
                }
                replaceProducer(problem, sent.size());
                replaced = true;
            }
            waitingForKafka(problem, sent);
            if (!state.running()) {
                giveUp(sent);
                return;
            }
            try {
                slot.begin();
                break;
            } catch (TimeoutException e) {
                problem = e;
            } catch (KafkaException | IllegalStateException e) {
                problem = e;
                if (!isFencing(e) && !isRefusal(e)) {
                    slot.close();
                }
            }
        }
        Optional<String> otherRun = checkpoints.otherRunSince(transactionStartMillis, filesPartition);
        if (otherRun.isPresent()) {
            fence(new ProducerFencedException("run " + otherRun.get() + " committed checkpoints of this deployment "
                    + "while this instance could not reach Kafka"));
            TransactionBatch.releaseBudget(sent);
            return;
        }
        List<Pending> again = new ArrayList<>();
        for (Pending pending : sent) {
            Record record = pending.record();
            if (pending.error().get() instanceof RecordTooLargeException tooLarge && !record.rejected()) {
                record.reject(Rejection.RECORD_TOO_LARGE, "the record was refused: " + tooLarge.getMessage());
                deadLetters.process(record);
            }
            again.add(new Pending(record));
        }
        if (!state.running()) {
            // the stop's last commit may have given up waiting for this one and abandoned the batch: records sent
            // again now would hold their budget for ever
            giveUp(again);
            return;
        }
        for (Pending pending : again) {
            send(pending);
        }
        if (!batch.sentAgain(again)) {
            slot.close();
        }
    }

    /**
     * The stop ends this recovery: its records hold no more budget, and the open transaction, which may hold some of
     * them, is left to the next producer's start to abort (this producer is closed), so that the stop's last commit
     * cannot commit them without their checkpoints.
     */
    private void giveUp(List<Pending> records) {
        TransactionBatch.releaseBudget(records);
        slot.close();
    }

    /** Says once that Kafka is away (see KafkaAvailability), then pauses before the next attempt. */
    private void waitingForKafka(Exception cause, List<Pending> sent) {
        availability.sendFailed(cause, sent.stream().map(pending -> pending.record().topic())
                .collect(Collectors.toSet()));
        sleep();
    }

    /**
     * Gives the failed transaction up to the coordinator: a new producer takes the transactional id, and its start
     * aborts the transaction on the broker (or waits for the coordinator's own abort of an outlived one).
     */
    private void replaceProducer(Exception cause, int records) {
        if (slot.outlivedItsTimeout()) {
            LOG.warn("The open transaction has been open longer than transaction.timeout.ms ({} ms; {}), so the "
                    + "coordinator aborts it: a new producer takes over and its {} records are sent again in a new "
                    + "transaction", slot.transactionTimeoutMillis(),
                    cause == null ? "no answer" : cause.getMessage(), records);
        } else {
            LOG.info("A transaction of {} records failed ({}): a new producer takes over, the transaction is aborted "
                    + "on the broker and its records are sent again in a new one", records,
                    cause == null ? "its producer was closed" : describe(cause));
        }
        slot.close();
    }

    /** An error and its causes, by class and message, for a log line without a stack trace. */
    private static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            text.append(text.isEmpty() ? "" : " <- ").append(cause.getClass().getSimpleName()).append(": ")
                    .append(cause.getMessage());
        }
        return text.toString();
    }

    /**
     * A sign that the coordinator ended this producer's transaction on its own: another instance's start (or the
     * transaction's timeout, see {@link ProducerSlot#outlivedItsTimeout}) bumped the epoch.
     */
    private static boolean isFencing(Throwable error) {
        return causedBy(error, ProducerFencedException.class) || causedBy(error, InvalidProducerEpochException.class);
    }

    private static boolean isRefusal(Throwable error) {
        return causedBy(error, AuthorizationException.class);
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /** Kafka refused the application's user: nothing more can be committed, and retrying would not change that. */
    private void refused(Exception cause) {
        if (!state.enter(SenderState.Phase.FENCED)) {
            return;
        }
        LOG.error("Kafka refused the application's user for exactly-once delivery: {}. Grant it WRITE and DESCRIBE "
                + "on the transactional id {} (ingestion.exactly-once.transactional-id), WRITE on the topics and "
                + "IDEMPOTENT_WRITE on the cluster. This instance stops; the files it was reading resume from their "
                + "checkpoints", cause.getMessage(), transactionalId);
        onFenced.run();
    }

    private void fence(Exception cause) {
        if (!state.enter(SenderState.Phase.FENCED)) {
            return;
        }
        LOG.error("Another instance took over the transactional id {} (files partition {}): {}. This instance stops "
                + "without committing more; its open transaction is aborted, and the files it was reading resume from "
                + "their checkpoints wherever their partitions go", transactionalId, filesPartition,
                cause.getMessage());
        onFenced.run();
    }

    private static void sleep() {
        try {
            Thread.sleep(RETRY_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
