package tmdb.ingestion.producer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.record.Record;

/**
 * What one files partition's open transaction holds until its commit takes it: the records sent into it, with the
 * in-flight budget they hold (counted in the instance's {@link CommitBacklog}, which makes commits come sooner), and
 * the checkpoints saved outside records. Once the stop abandons it, nothing enters it any more: a record or checkpoint
 * arriving later is given up at once, since no commit would take it.
 */
final class TransactionBatch {

    /** A checkpoint to commit, and the answer that says it was. */
    record Saving(Checkpoint checkpoint, CompletableFuture<Void> saved) {

        void failed(String why) {
            saved.completeExceptionally(new IllegalStateException(why));
        }
    }

    /** A record sent in the open transaction, and what the client said about it. */
    record Pending(Record record, ProducerRecord<String, byte[]> message, AtomicReference<Exception> error) {
        Pending(Record record) {
            this(record, toMessage(record), new AtomicReference<>());
        }

        private static ProducerRecord<String, byte[]> toMessage(Record record) {
            RecordHeaders headers = new RecordHeaders();
            record.headers().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
            return new ProducerRecord<>(record.topic(), null, record.key(), record.value(), headers);
        }
    }

    /** What a commit takes: the records sent since the last one, and the checkpoints to save with them. */
    record Taken(List<Pending> records, List<Saving> checkpoints) {
    }

    private final CommitBacklog backlog;
    private final BooleanSupplier running;
    private List<Pending> records = new ArrayList<>();
    private List<Saving> checkpoints = new ArrayList<>();
    /** The in-flight budget {@link #records} hold. */
    private long bytes;
    private boolean abandoned;

    /** @param running false once the partition's transactions end (its sender stops, is fenced or lost) */
    TransactionBatch(CommitBacklog backlog, BooleanSupplier running) {
        this.backlog = backlog;
        this.running = running;
    }

    /**
     * Adds a record sent. One sent while the stop gave up its last commit gives its budget up instead: nobody would
     * commit it.
     */
    synchronized void add(Pending pending) {
        if (abandoned) {
            releaseBudget(List.of(pending));
            return;
        }
        records.add(pending);
        bytes(bytes + pending.record().line().permits());
    }

    /** Adds a checkpoint to save with the next commit; failed at once when the partition's transactions ended. */
    synchronized void save(Saving saving, String whyNot) {
        if (running.getAsBoolean() && !abandoned) {
            checkpoints.add(saving);
        } else {
            saving.failed(whyNot);
        }
    }

    /** Everything for the commit: the batch is empty after. */
    synchronized Taken take() {
        Taken taken = new Taken(records, checkpoints);
        records = new ArrayList<>();
        checkpoints = new ArrayList<>();
        bytes(0);
        return taken;
    }

    /** A failed commit's checkpoints, for the next one; failed when the partition's transactions ended. */
    synchronized void saveAgain(List<Saving> saving, String whyNot) {
        if (!running.getAsBoolean() || abandoned) {
            failed(saving, whyNot);
            return;
        }
        List<Saving> all = new ArrayList<>(saving);
        all.addAll(checkpoints);
        checkpoints = all;
    }

    /**
     * A failed transaction's records, sent again into the new one, before those sent since; false, their budget
     * given up, once the batch was abandoned.
     */
    synchronized boolean sentAgain(List<Pending> again) {
        if (abandoned) {
            releaseBudget(again);
            return false;
        }
        List<Pending> all = new ArrayList<>(again);
        all.addAll(records);
        records = all;
        bytes(bytes + again.stream().mapToLong(pending -> pending.record().line().permits()).sum());
        return true;
    }

    /** The stop ends the batch: its records give their budget up, its checkpoints fail, and nothing enters after. */
    synchronized void abandon(String why) {
        abandoned = true;
        releaseBudget(records);
        records = new ArrayList<>();
        bytes(0);
        failed(checkpoints, why);
        checkpoints = new ArrayList<>();
    }

    /**
     * Records whose sender stops without a decided transaction: they hold no more budget. Their files resume from the
     * checkpoints committed before, here at the next start or wherever their partition goes.
     */
    static void releaseBudget(List<Pending> records) {
        records.forEach(pending -> pending.record().releaseBudget());
    }

    static void failed(List<Saving> saving, String why) {
        saving.forEach(checkpoint -> checkpoint.failed(why));
    }

    private void bytes(long now) {
        backlog.changed(now - bytes);
        bytes = now;
    }
}
