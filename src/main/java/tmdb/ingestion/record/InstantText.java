package tmdb.ingestion.record;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Instants as ISO-8601 text, as {@link Instant#toString()} writes them, without going through its formatter: two
 * instants are written per record (its event time and its ingest time), and the formatter was both a per-record
 * cost and the JIT's most expensive compilation of a run.
 */
public final class InstantText {

    private static final int SECONDS_PER_DAY = 86_400;

    private InstantText() {
    }

    /** {@code 2025-03-04T05:06:07Z}: exactly what {@code Instant.ofEpochSecond(epochSecond).toString()} gives. */
    public static String ofEpochSecond(long epochSecond) {
        StringBuilder text = dateTime(epochSecond);
        return text == null ? Instant.ofEpochSecond(epochSecond).toString() : text.append('Z').toString();
    }

    /** {@code 2025-03-04T05:06:07.123456Z}: to the microsecond, always six digits of fraction. */
    public static String ofEpochMicro(long epochMicro) {
        long second = Math.floorDiv(epochMicro, 1_000_000L);
        int micros = (int) Math.floorMod(epochMicro, 1_000_000L);
        StringBuilder text = dateTime(second);
        if (text == null) {
            return Instant.ofEpochSecond(second, micros * 1000L).toString();
        }
        text.append('.');
        pad(text, micros, 6);
        return text.append('Z').toString();
    }

    /** The date and time of day, or null for a year {@link Instant#toString()} writes otherwise (not 0 to 9999). */
    private static StringBuilder dateTime(long epochSecond) {
        long day = Math.floorDiv(epochSecond, SECONDS_PER_DAY);
        int secondOfDay = (int) Math.floorMod(epochSecond, SECONDS_PER_DAY);
        LocalDate date = LocalDate.ofEpochDay(day);
        if (date.getYear() < 0 || date.getYear() > 9999) {
            return null;
        }
        StringBuilder text = new StringBuilder(28);
        pad(text, date.getYear(), 4);
        text.append('-');
        pad(text, date.getMonthValue(), 2);
        text.append('-');
        pad(text, date.getDayOfMonth(), 2);
        text.append('T');
        pad(text, secondOfDay / 3600, 2);
        text.append(':');
        pad(text, secondOfDay / 60 % 60, 2);
        text.append(':');
        pad(text, secondOfDay % 60, 2);
        return text;
    }

    private static void pad(StringBuilder text, int value, int digits) {
        for (int power = (int) Math.pow(10, digits - 1); power > 1 && value < power; power /= 10) {
            text.append('0');
        }
        text.append(value);
    }
}
