package tmdb.ingestion.file;

/**
 * The lifecycle's two clocks: the monotonic one, which every duration is measured by (how long a file has been
 * quiet, how long a hand-over may take), and the wall clock, which only the modification-time hint is compared with.
 */
public interface LifecycleClock {

    long nanoTime();

    long wallMillis();

    LifecycleClock SYSTEM = new LifecycleClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long wallMillis() {
            return System.currentTimeMillis();
        }
    };
}
