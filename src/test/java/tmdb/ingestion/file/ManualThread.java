package tmdb.ingestion.file;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The lifecycle's thread as a test runs it: events wait in a queue until the test runs them, on its own thread;
 * delayed events become due by the test's clock.
 */
final class ManualThread implements LifecycleThread {

    private static final int MAX_EVENTS_PER_RUN = 100_000;

    private record Delayed(long dueNanos, Runnable event) {
    }

    private final ManualClock clock;
    private final Deque<Runnable> queue = new ArrayDeque<>();
    private final List<Delayed> delayed = new ArrayList<>();
    private boolean shutDown;

    ManualThread(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public boolean post(Runnable event) {
        if (!shutDown) {
            queue.add(event);
        }
        return !shutDown;
    }

    @Override
    public void postAfter(Duration delay, Runnable event) {
        if (!shutDown) {
            delayed.add(new Delayed(clock.nanoTime() + delay.toNanos(), event));
        }
    }

    @Override
    public boolean isCurrent() {
        return true;
    }

    @Override
    public void shutdown() {
        shutDown = true;
    }

    /** Runs every event posted, and every delayed one now due, until none is left; returns how many ran. */
    int runAll() {
        int ran = 0;
        while (true) {
            for (Delayed due : List.copyOf(delayed)) {
                if (due.dueNanos() <= clock.nanoTime()) {
                    delayed.remove(due);
                    queue.add(due.event());
                }
            }
            Runnable next = queue.poll();
            if (next == null) {
                return ran;
            }
            if (++ran > MAX_EVENTS_PER_RUN) {
                throw new AssertionError("the lifecycle's events never stop coming");
            }
            next.run();
        }
    }
}
