package tmdb.ingestion.producer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
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
 * acknowledged), or whose file was claimed before this instance took the partition last (an earlier ownership, lost
 * or handed over, and taken again), is dropped here: whoever resumes its file reads its line again.
 */
public final class PartitionSenders implements Processor, PartitionWork {

    private final IntFunction<TransactionalSender> newSender;
    private final LongSupplier lastClaimId;
    private final Map<Integer, Taken> byPartition = new ConcurrentHashMap<>();
    private volatile Runnable onFenced = () -> { };

    /**
     * A partition's sender, and the last file claimed when it was taken: records of that file and earlier ones come
     * from an earlier ownership of the partition (let go, their lines read again by whoever resumes them).
     */
    private record Taken(TransactionalSender sender, long filesBefore) {
    }

    /**
     * @param newSender   the sender of a files partition, not started
     * @param lastClaimId the id of the last file claimed ({@code FileLifecycle#lastClaimId})
     */
    public PartitionSenders(IntFunction<TransactionalSender> newSender, LongSupplier lastClaimId) {
        this.newSender = newSender;
        this.lastClaimId = lastClaimId;
    }

    /** What to do when a partition's id was taken by another instance while this one owned it (it stops). */
    public void onFenced(Runnable action) {
        onFenced = action;
        byPartition.values().forEach(taken -> taken.sender().onFenced(action));
    }

    @Override
    public void process(Exchange exchange) {
        Map<Integer, List<Record>> byFilesPartition = new LinkedHashMap<>();
        for (Record record : RecordProcessor.window(exchange)) {
            byFilesPartition.computeIfAbsent(record.file().partition(), partition -> new ArrayList<>()).add(record);
        }
        byFilesPartition.forEach((partition, records) -> {
            Taken taken = byPartition.get(partition);
            records.removeIf(record -> {
                boolean stale = taken == null || record.file().id() <= taken.filesBefore();
                if (stale) {
                    record.releaseBudget();
                }
                return stale;
            });
            if (!records.isEmpty()) {
                taken.sender().send(records);
            }
        });
    }

    /**
     * Takes the partitions' transactional ids, all at once (each start asks the coordinator, about a tenth of a second
     * here, and six of them one after the other held up every start): returns once the previous owners' transactions
     * are settled. A partition whose id could not be taken (Kafka did not answer) throws, after the others were
     * tried; the ids taken stay taken, and taking the partitions again takes only the others. A refusal (the user may
     * not take the id) is thrown before a timeout, the others' failures are suppressed in it. An interrupt (the
     * application stops) interrupts the starts still waiting for Kafka, which then stop their senders: none takes its
     * id after this returns.
     */
    @Override
    public void take(Set<Integer> partitions) {
        long filesBefore = lastClaimId.getAsLong();
        Map<Integer, FutureTask<TransactionalSender>> starting = new LinkedHashMap<>();
        List<Thread> starts = new ArrayList<>();
        for (int partition : partitions) {
            if (!byPartition.containsKey(partition)) {
                FutureTask<TransactionalSender> start = new FutureTask<>(() -> started(partition));
                Thread thread = new Thread(start, "Taking files partition " + partition);
                thread.setDaemon(true);
                thread.start();
                starting.put(partition, start);
                starts.add(thread);
            }
        }
        Throwable failure = null;
        boolean interrupted = false;
        for (Map.Entry<Integer, FutureTask<TransactionalSender>> start : starting.entrySet()) {
            while (true) {
                try {
                    byPartition.put(start.getKey(), new Taken(start.getValue().get(), filesBefore));
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    starts.forEach(Thread::interrupt);
                } catch (ExecutionException e) {
                    failure = worse(failure, e.getCause());
                    break;
                }
            }
        }
        if (interrupted) {
            throw new InterruptException("interrupted while taking files partitions " + partitions);
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
    }

    /** The failure to throw, the other suppressed in it: one that retrying will not change before a retriable one. */
    private static Throwable worse(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        if (first instanceof RetriableException && !(next instanceof RetriableException)) {
            next.addSuppressed(first);
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    private TransactionalSender started(int partition) {
        TransactionalSender sender = newSender.apply(partition);
        sender.onFenced(onFenced);
        try {
            sender.start();
        } catch (RuntimeException e) {
            sender.stop();
            throw e;
        }
        return sender;
    }

    /**
     * Commits a checkpoint saved without records with the next transaction of its files partition (see
     * {@link TransactionalSender#save}); refused for a partition this instance does not own (any more).
     */
    public CompletableFuture<Void> save(int filesPartition, Checkpoint checkpoint) {
        Taken taken = byPartition.get(filesPartition);
        return taken == null ? CompletableFuture.failedFuture(new IllegalStateException("files partition "
                + filesPartition + " is not this instance's: the checkpoint of " + checkpoint.file()
                + " is not committed")) : taken.sender().save(checkpoint);
    }

    /**
     * Ends the partitions' senders without a last commit: all of them refuse records at once, then each stops (see
     * {@link TransactionalSender#lose}).
     */
    @Override
    public void lose(Set<Integer> partitions) {
        List<TransactionalSender> lost = new ArrayList<>();
        for (int partition : partitions) {
            Taken taken = byPartition.remove(partition);
            if (taken != null) {
                taken.sender().lose();
                lost.add(taken.sender());
            }
        }
        lost.forEach(TransactionalSender::stop);
    }

    /** Commits what the partitions' senders hold and closes them. */
    @Override
    public void hand(Set<Integer> partitions) {
        for (int partition : partitions) {
            Taken taken = byPartition.remove(partition);
            if (taken != null) {
                taken.sender().stop();
            }
        }
    }
}
