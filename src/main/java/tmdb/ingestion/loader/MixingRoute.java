package tmdb.ingestion.loader;

import java.util.Comparator;

import org.apache.camel.builder.RouteBuilder;
import tmdb.ingestion.config.Settings;
import tmdb.ingestion.record.Record;

/**
 * Merges the chunks of every folder into windows and shuffles each window, so that types and labels interleave like
 * live traffic. An aggregator collects chunks until a window is full ({@link WindowAggregation}), or until no
 * chunk came for {@code ingestion.mix.timeout-ms}; it hands each window to a pool of {@code ingestion.workers}
 * threads, so that readers never wait for parsing or sending. Then the randomized resequencer orders the window by
 * the random but stable key each record got at admission.
 * <p>
 * The resequencer is the Sort EIP on the window's list, not the Resequence EIP: the Resequence EIP orders
 * exchanges, one per record (exactly the per-record cost windows remove), and silently drops records whose keys
 * compare equal unless told otherwise; sorting a list keeps every record. Windows still open when the route stops
 * are completed, not dropped.
 */
public class MixingRoute extends RouteBuilder {

    /** The randomized order of a window: by each record's mixing key, drawn from the seed, its file and its line. */
    static final Comparator<Record> MIX_ORDER = Comparator.comparingLong(Record::mixKey);

    @Override
    public void configure() {
        Settings settings = new Settings(getContext());
        long timeoutMs = settings.longValue("ingestion.mix.timeout-ms");
        WindowAggregation windows = getContext().getRegistry().lookupByNameAndType("windowAggregation",
                WindowAggregation.class);
        from("direct:mix").routeId("mixer")
                .aggregate(constant(true)).aggregationStrategy(windows)
                    .completionPredicate(windows::isFull)
                    .completionTimeout(timeoutMs)
                    // the checker's default interval (1 s) would hold a window up to 1 s past its timeout
                    .completionTimeoutCheckerInterval(Math.max(10, timeoutMs / 2))
                    .forceCompletionOnStop()
                    .executorService("windowWorkers")
                    .process("windowLeftMixing")
                    .sort(body(), MIX_ORDER)
                    .to("direct:preprocess")
                .end();
    }
}
