package tmdb.ingestion.producer;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tmdb.ingestion.record.Record;
import tmdb.ingestion.support.Records;

import static org.assertj.core.api.Assertions.assertThat;

/** The pacer: slices of a tenth of a second's worth, a steady rate without bursts, each record released once. */
class PacerTest {

    private static List<Record> records(int count) {
        List<Record> records = new ArrayList<>();
        for (int line = 1; line <= count; line++) {
            records.add(Records.mixed("movie/new/a.jsonl", line, line));
        }
        return records;
    }

    @Test
    void unpacedAWholeWindowGoesOutInOneSend() {
        assertThat(new Pacer(0).sliceOf(5000)).isEqualTo(5000);
    }

    @Test
    void pacedAWindowGoesOutInSlicesOfATenthOfASecondsWorth() {
        assertThat(new Pacer(1000).sliceOf(5000)).isEqualTo(100);
        assertThat(new Pacer(1000).sliceOf(30)).as("no more than are waiting").isEqualTo(30);
        assertThat(new Pacer(5).sliceOf(5000)).as("at least one, however slow").isEqualTo(1);
    }

    @Test
    void everyRecordIsStampedOnceInReleaseOrder() {
        List<Record> window = records(50);
        Pacer pacer = new Pacer(0);
        List<String> stamps = new ArrayList<>();
        for (Record record : pacer.released(window)) {
            stamps.add(record.headers().get("ingest_time"));
        }
        for (Record record : pacer.released(window)) {
            assertThat(record.headers().get("ingest_time")).as("released again, not stamped again")
                    .isEqualTo(stamps.get((int) record.line().number() - 1));
        }

        assertThat(stamps).hasSize(50).doesNotContainNull().isSorted();
    }

    @Test
    void pacedTheMeanRateHoldsAndTheFirstSliceIsTheOnlyBurst() {
        int rate = 2000;
        Pacer pacer = new Pacer(rate);
        List<Record> window = records(600);
        long start = System.nanoTime();
        long[] releasedAt = new long[window.size()];
        int index = 0;
        for (Record ignored : pacer.released(window)) {
            releasedAt[index++] = System.nanoTime() - start;
        }
        double seconds = releasedAt[window.size() - 1] / 1e9;

        int burst = rate / 10;
        assertThat(seconds).as("600 records at 2000/s, less the first slice's burst: about 0.2 s")
                .isBetween((window.size() - burst - 1) / (double) rate, 1.0);
        assertThat(releasedAt[burst + 50]).as("past the first slice, records wait their turn")
                .isGreaterThanOrEqualTo(40 * 1_000_000_000L / rate);
    }
}
