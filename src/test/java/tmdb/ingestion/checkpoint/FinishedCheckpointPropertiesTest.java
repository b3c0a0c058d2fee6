package tmdb.ingestion.checkpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A finished checkpoint kept in its compact form is the same checkpoint when looked up again, whatever its numbers
 * and fingerprint, and it expires exactly when its retention has passed.
 */
class FinishedCheckpointPropertiesTest {

    private static final DoneRetention WEEK = new DoneRetention(Duration.ofDays(7));

    @Property(tries = 300)
    void theCompactFormGivesBackTheCheckpointItWasMadeFrom(@ForAll("fingerprints") String fingerprint,
                                                           @ForAll @LongRange(max = Long.MAX_VALUE / 2) long size,
                                                           @ForAll @LongRange(max = 1_000_000_000L) long line,
                                                           @ForAll @LongRange(max = 1_000_000_000L) long offset,
                                                           @ForAll("formats") String format) {
        Checkpoint done = new Checkpoint("movie/new/a-" + line + ".jsonl", size, fingerprint, line, offset, line,
                List.of(), true, format);

        assertThat(FinishedCheckpoint.of(done, 0).checkpoint(done.file())).isEqualTo(done);
    }

    @Example
    void aStoreGivesBackWhatItSavedUnfinishedThenFinished() {
        KafkaCheckpointStore store = new KafkaCheckpointStore("checkpoints", Properties::new, null, "run", true,
                new Deployment("mine", "data folder /data", Map.of()), new FilePartitions(), WEEK);
        Checkpoint reading = new Checkpoint("tv_series/old/b.jsonl.gz", 4096, "00000000000000ff80000000000000a1", 7,
                900, 9, List.of(8L), false, "gzip");
        Checkpoint done = new Checkpoint(reading.file(), 4096, reading.fingerprint(), 12, 1400, 12, List.of(), true,
                "gzip");

        store.save(reading);
        assertThat(store.find(reading.file())).contains(reading);
        store.save(done);
        assertThat(store.find(reading.file())).contains(done);
        store.forget(Set.of(new FilePartitions().of(reading.file())));
        assertThat(store.find(reading.file())).isEmpty();
    }

    @Example
    void itExpiresOnceItsRetentionHasPassedAndNeverWithoutAWriteTime() {
        Checkpoint done = new Checkpoint("person/change/c.jsonl", 10, "0123456789abcdef0123456789abcdef", 1, 10, 1,
                List.of(), true);
        Instant written = Instant.parse("2026-01-01T00:00:00Z");
        FinishedCheckpoint known = FinishedCheckpoint.of(done, written.toEpochMilli());

        assertThat(known.expired(WEEK, written.plus(Duration.ofDays(7)))).isFalse();
        assertThat(known.expired(WEEK, written.plus(Duration.ofDays(7)).plusMillis(1))).isTrue();
        assertThat(FinishedCheckpoint.of(done, FinishedCheckpoint.NEVER_EXPIRES)
                .expired(WEEK, written.plus(Duration.ofDays(3650)))).isFalse();
    }

    @Provide
    Arbitrary<String> fingerprints() {
        return Arbitraries.strings().withChars("0123456789abcdef").ofLength(32);
    }

    @Provide
    Arbitrary<String> formats() {
        return Arbitraries.of("plain", "gzip", "zstd");
    }
}
