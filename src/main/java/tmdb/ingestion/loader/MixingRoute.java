package tmdb.ingestion.loader;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.config.BatchResequencerConfig;
import tmdb.ingestion.RecordProperties;

/**
 * Merges the lines of every folder into one stream and shuffles it: a batch resequencer orders each window of
 * records by the random key drawn once per record at admission. Duplicates are allowed so that records whose
 * keys collide are both kept (see CAMEL-NOTES: without it the resequencer silently drops one).
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
                    .to("direct:preprocess")
                .end();
    }
}
