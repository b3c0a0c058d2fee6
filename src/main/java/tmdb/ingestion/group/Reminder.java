package tmdb.ingestion.group;

import java.util.concurrent.TimeUnit;

/** Says a lasting wait once at first, then once a minute. */
final class Reminder {

    private static final long REMINDER_NANOS = TimeUnit.MINUTES.toNanos(1);

    private long last = Long.MIN_VALUE;

    boolean due() {
        long now = System.nanoTime();
        if (last != Long.MIN_VALUE && now - last < REMINDER_NANOS) {
            return false;
        }
        last = now;
        return true;
    }
}
