package tmdb.ingestion.producer;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Where a files partition's {@link TransactionalSender} is. Only a running sender takes records. A stop makes it
 * stopping: its waits for Kafka end, and a last commit leaves undecided work to the next start; once the stop is over
 * it is retired. A lost sender (its partition was given to another instance while this one was cut off from the
 * group) and a fenced one (another instance took its transactional id, or Kafka refused the user) commit nothing
 * more. A retired, lost or fenced sender starts no producer: a producer's start takes the transactional id, and would
 * fence the partition's next owner.
 */
final class SenderState {

    enum Phase {
        RUNNING, STOPPING, RETIRED, LOST, FENCED;

        boolean leadsTo(Phase next) {
            return switch (next) {
                case RUNNING -> false;
                case STOPPING -> this == RUNNING;
                case RETIRED -> this == STOPPING;
                case LOST, FENCED -> this == RUNNING || this == STOPPING;
            };
        }
    }

    private final int filesPartition;
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.RUNNING);

    SenderState(int filesPartition) {
        this.filesPartition = filesPartition;
    }

    /** Moves to that phase if the current one leads to it; true if it did. */
    boolean enter(Phase next) {
        return phase.getAndUpdate(current -> current.leadsTo(next) ? next : current).leadsTo(next);
    }

    Phase phase() {
        return phase.get();
    }

    boolean running() {
        return phase.get() == Phase.RUNNING;
    }

    boolean mayStartProducer() {
        Phase current = phase.get();
        return current == Phase.RUNNING || current == Phase.STOPPING;
    }

    boolean commitsNothing() {
        Phase current = phase.get();
        return current == Phase.LOST || current == Phase.FENCED;
    }

    /** Throws, saying why, unless a producer may start now ({@link #mayStartProducer}). */
    void refuseProducerUnlessAllowed() {
        switch (phase.get()) {
            case RUNNING, STOPPING -> { }
            case RETIRED -> throw new IllegalStateException("the transactions of files partition " + filesPartition
                    + " have ended: this instance stopped");
            case LOST -> throw new IllegalStateException("files partition " + filesPartition
                    + " was given to another instance");
            case FENCED -> throw new IllegalStateException("another instance took over files partition "
                    + filesPartition);
        }
    }
}
