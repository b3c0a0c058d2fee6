package tmdb.ingestion.file;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that changes the files' lifecycle state, and its queue of events: events run one at a time, in the
 * order they were posted.
 * <p>
 * Why a plain executor and not a Camel {@code seda:} route with one consumer: the events come from threads that are
 * not Camel's (the group's consumer, Kafka's callbacks, the stop), some ask for an answer (a future), and the events
 * must keep running while Camel stops its routes, since the stop itself is made of events (hand the files over, save
 * their checkpoints); a seda route would also copy an exchange per event. And the lifecycle's tests drive the same
 * code one event at a time on their own thread, with a queue they run themselves.
 */
public interface LifecycleThread {

    /** Runs the event on the lifecycle's thread, after those posted before it; false once the thread has stopped. */
    boolean post(Runnable event);

    /** Runs the event on the lifecycle's thread once the delay has passed. */
    void postAfter(Duration delay, Runnable event);

    /** True on the lifecycle's thread itself. */
    boolean isCurrent();

    /** Stops taking events; those queued still run. */
    void shutdown();

    /** The lifecycle's own daemon thread. */
    static LifecycleThread started() {
        return new Executor();
    }

    /** A single-thread executor whose events never end its thread: a failing event is logged, the next one runs. */
    final class Executor implements LifecycleThread {

        private static final Logger LOG = LoggerFactory.getLogger(LifecycleThread.class);

        private final ScheduledExecutorService executor;
        private volatile Thread thread;

        Executor() {
            ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread created = new Thread(runnable, "File lifecycle");
                created.setDaemon(true);
                thread = created;
                return created;
            });
            pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            executor = pool;
        }

        @Override
        public boolean post(Runnable event) {
            try {
                executor.execute(() -> run(event));
                return true;
            } catch (RejectedExecutionException stopped) {
                return false;
            }
        }

        @Override
        public void postAfter(Duration delay, Runnable event) {
            try {
                executor.schedule(() -> run(event), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException stopped) {
                LOG.debug("The file lifecycle has stopped: a delayed event is dropped");
            }
        }

        @Override
        public boolean isCurrent() {
            return Thread.currentThread() == thread;
        }

        @Override
        public void shutdown() {
            executor.shutdown();
        }

        private static void run(Runnable event) {
            try {
                event.run();
            } catch (RuntimeException e) {
                LOG.error("A file lifecycle event failed; the lifecycle goes on with the next one", e);
            }
        }
    }
}
