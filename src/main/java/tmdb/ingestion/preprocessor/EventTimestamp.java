package tmdb.ingestion.preprocessor;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import tmdb.ingestion.config.EventTimeWindows;
import tmdb.ingestion.config.Seed;
import tmdb.ingestion.record.InstantText;
import tmdb.ingestion.record.Record;
import tmdb.ingestion.record.RecordHeaders;
import tmdb.ingestion.record.RecordProcessor;

/** Chooses each valid record's event time under the configured policy and sets it as the {@code timestamp} header. */
public final class EventTimestamp implements RecordProcessor {

    private static final long TIMESTAMP_PURPOSE = 2;

    private final TimestampPolicy policy;
    private final EventTimeWindows windows;
    private final Seed seed;

    public EventTimestamp(TimestampPolicy policy, EventTimeWindows windows, Seed seed) {
        this.policy = policy;
        this.windows = windows;
        this.seed = seed;
    }

    @Override
    public void process(Record record) {
        if (!record.rejected()) {
            record.header(RecordHeaders.TIMESTAMP, timestampOf(record));
        }
    }

    private String timestampOf(Record record) {
        if (policy == TimestampPolicy.PROCESSING_TIME) {
            return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        }
        EventTimeWindows.Window window = windows.require(record.label());
        long offset = seed.drawBelow(record.file().identityHash(), record.line().number(), TIMESTAMP_PURPOSE,
                window.seconds());
        return InstantText.ofEpochSecond(window.start().getEpochSecond() + offset);
    }
}
