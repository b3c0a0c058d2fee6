package tmdb.ingestion.file;

import java.time.Duration;

/** Clocks a test moves by hand: time passes only when the test says so, and the wall clock can be stepped alone. */
final class ManualClock implements LifecycleClock {

    private long nanos = 1_000_000_000_000L;
    private long wallMillis = 1_800_000_000_000L;

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public long wallMillis() {
        return wallMillis;
    }

    /** Time passes: both clocks move on. */
    void advance(Duration duration) {
        nanos += duration.toNanos();
        wallMillis += duration.toMillis();
    }

    /** The wall clock is set, forward or back (an NTP step, an operator): the monotonic clock does not move. */
    void stepWall(Duration step) {
        wallMillis += step.toMillis();
    }
}
