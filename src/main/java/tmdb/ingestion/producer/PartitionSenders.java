package tmdb.ingestion.producer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.group.PartitionWork;
import tmdb.ingestion.record.Record;
import tmdb.ingestion.record.RecordProcessor;

/**
 * Exactly-once delivery per files partition: each partition this instance owns has its own
 * {@link TransactionalSender}, with the transactional id {@code <id>-<partition>}. Taking a partition takes its id,
 * which fences the previous owner and aborts its open transaction before the partition's checkpoints are read; so an
 * instance cut off from the group for longer than its session can commit nothing of a partition that moved on, and
 * commits nothing more of it once the group says so ({@link #lose}). A window's records go to the senders of their
 * files' partitions. A record whose partition was handed over already (its file was let go before it was
 * acknowledged) is dropped here: the next owner reads its line again.
 */
public final class PartitionSenders implements Processor, PartitionWork {

    private final IntFunction<TransactionalSender> newSender;
    private final Map<Integer, TransactionalSender> byPartition = new ConcurrentHashMap<>();
    private volatile Runnable onFenced = () -> { };

    /** @param newSender the sender of a files partition, not started */
    public PartitionSenders(IntFunction<TransactionalSender> newSender) {
        this.newSender = newSender;
    }

    /** What to do when a partition's id was taken by another instance while this one owned it (it stops). */
    public void onFenced(Runnable action) {
        onFenced = action;
        byPartition.values().forEach(sender -> sender.onFenced(action));
    }

    @Override
    public void process(Exchange exchange) {
        Map<Integer, List<Record>> byFilesPartition = new LinkedHashMap<>();
        for (Record record : RecordProcessor.window(exchange)) {
            byFilesPartition.computeIfAbsent(record.file().partition(), partition -> new ArrayList<>()).add(record);
        }
        byFilesPartition.forEach((partition, records) -> {
            TransactionalSender sender = byPartition.get(partition);
            if (sender != null) {
                sender.send(records);
            } else {
                records.forEach(Record::releaseBudget);
            }
        });
    }

    /**
     * Takes the partitions' transactional ids: returns once the previous owners' transactions are settled. A
     * partition whose id could not be taken (Kafka did not answer) throws; the ids taken before stay taken, and
     * taking the partitions again takes only the others.
     */
    @Override
    public void take(Set<Integer> partitions) {
        for (int partition : partitions) {
            if (byPartition.containsKey(partition)) {
                continue;
            }
            TransactionalSender sender = newSender.apply(partition);
            sender.onFenced(onFenced);
            try {
                sender.start();
            } catch (RuntimeException e) {
                sender.stop();
                throw e;
            }
            byPartition.put(partition, sender);
        }
    }

    /**
     * Commits a checkpoint saved without records with the next transaction of its files partition (see
     * {@link TransactionalSender#save}); nothing to commit for a partition this instance does not own.
     */
    public CompletableFuture<Void> save(int filesPartition, Checkpoint checkpoint) {
        TransactionalSender sender = byPartition.get(filesPartition);
        return sender == null ? CompletableFuture.completedFuture(null) : sender.save(checkpoint);
    }

    /**
     * Ends the partitions' senders without a last commit: all of them refuse records at once, then each stops (see
     * {@link TransactionalSender#lose}).
     */
    @Override
    public void lose(Set<Integer> partitions) {
        List<TransactionalSender> lost = new ArrayList<>();
        for (int partition : partitions) {
            TransactionalSender sender = byPartition.remove(partition);
            if (sender != null) {
                sender.lose();
                lost.add(sender);
            }
        }
        lost.forEach(TransactionalSender::stop);
    }

    /** Commits what the partitions' senders hold and closes them. */
    @Override
    public void hand(Set<Integer> partitions) {
        for (int partition : partitions) {
            TransactionalSender sender = byPartition.remove(partition);
            if (sender != null) {
                sender.stop();
            }
        }
    }
}
