package tmdb.ingestion.preprocessor;

import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tmdb.ingestion.config.EventTimeWindows.Window;
import tmdb.ingestion.config.EventTimeWindows;
import tmdb.ingestion.config.Seed;
import tmdb.ingestion.record.Record;
import tmdb.ingestion.record.RecordHeaders;
import tmdb.ingestion.support.Records;

import static org.assertj.core.api.Assertions.assertThat;

class EventTimestampTest {

    private static final Window OLD = new Window(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-12-31T23:59:59Z"));
    private static final Window CHANGE = new Window(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-20T23:59:59Z"));
    private static final EventTimeWindows WINDOWS = new EventTimeWindows(Map.of("old", OLD, "change", CHANGE));

    private static Instant timestamp(EventTimestamp processor, String label, String file, long line) {
        Record record = Records.record(file, line, new byte[0], 0);
        assertThat(record.label()).isEqualTo(label);
        processor.process(record);
        return Instant.parse(record.headers().get(RecordHeaders.TIMESTAMP));
    }

    @Test
    void drawsFromTheLabelsWindowSoAChangeIsAlwaysLaterThanTheOldVersion() {
        EventTimestamp processor = new EventTimestamp(TimestampPolicy.EVENT_WINDOW, WINDOWS, new Seed(42));
        Set<Instant> distinct = new HashSet<>();
        for (long line = 1; line <= 2000; line++) {
            Instant old = timestamp(processor, "old", "movie/old/a.jsonl", line);
            Instant change = timestamp(processor, "change", "movie/change/a.jsonl", line);
            assertThat(old).isBetween(OLD.start(), OLD.end());
            assertThat(change).isBetween(CHANGE.start(), CHANGE.end()).isAfter(old);
            distinct.add(old);
        }
        assertThat(distinct).hasSizeGreaterThan(1990);
    }

    @Test
    void theSameRecordGetsTheSameTimestampForTheSameSeedAndAnotherForAnotherSeed() {
        EventTimestamp first = new EventTimestamp(TimestampPolicy.EVENT_WINDOW, WINDOWS, new Seed(42));
        EventTimestamp again = new EventTimestamp(TimestampPolicy.EVENT_WINDOW, WINDOWS, new Seed(42));
        EventTimestamp otherSeed = new EventTimestamp(TimestampPolicy.EVENT_WINDOW, WINDOWS, new Seed(43));

        Instant a = timestamp(first, "old", "movie/old/a.jsonl", 17);

        assertThat(timestamp(again, "old", "movie/old/a.jsonl", 17)).isEqualTo(a);
        assertThat(timestamp(otherSeed, "old", "movie/old/a.jsonl", 17)).isNotEqualTo(a);
        assertThat(timestamp(first, "old", "movie/old/b.jsonl", 17)).isNotEqualTo(a);
    }

    @Test
    void theProcessingTimePolicyUsesTheWallClock() {
        EventTimestamp processor = new EventTimestamp(TimestampPolicy.PROCESSING_TIME, WINDOWS, new Seed(42));
        Instant before = Instant.now().minusMillis(1);

        Instant stamped = timestamp(processor, "old", "movie/old/a.jsonl", 1);

        assertThat(stamped).isBetween(before, Instant.now());
    }
}
