package tmdb.ingestion.loader;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.config.BatchResequencerConfig;
import tmdb.ingestion.RecordProperties;

/**
 * Merges the lines of every folder into one stream and shuffles it: a batch resequencer orders each window of
 * records by the random key drawn once per record at admission. Duplicates are allowed so that records whose
 * keys collide are both kept (see CAMEL-NOTES: without it the resequencer silently drops one). The resequencer
 * releases records on a single thread; a pool of workers takes them from there, so that parsing, enriching and
 * compressing use every core (the order stays random; the in-flight budget bounds the pool's queue). The pacer,
 * before the pool, can hold the mixed stream to a live rate.
 */
public class MixingRoute extends RouteBuilder {

    @Override
    public void configure() {
        BatchResequencerConfig window = new BatchResequencerConfig();
        window.setBatchSize("{{ingestion.mix.window}}");
        window.setBatchTimeout("{{ingestion.mix.timeout-ms}}");
        window.setAllowDuplicates("true");

        from("direct:mix").routeId("mixer")
                .resequence(exchangeProperty(RecordProperties.MIX_KEY)).batch(window)
                    .process("recordLeftMixing")
                    .process("pacer")
                    .threads().poolSize("{{ingestion.workers}}").maxPoolSize("{{ingestion.workers}}")
                        .maxQueueSize("{{ingestion.mix.window}}").callerRunsWhenRejected(true).threadName("Worker")
                    .to("direct:preprocess")
                .end();
    }
}
