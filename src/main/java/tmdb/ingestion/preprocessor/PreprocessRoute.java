package tmdb.ingestion.preprocessor;

import org.apache.camel.builder.RouteBuilder;
import tmdb.ingestion.RecordProperties;

/**
 * Enriches each mixed record: metadata headers, parsing and validation, event time, and the added value fields.
 * A rejected line goes to the dead-letter route; a good record goes on to the producer.
 */
public class PreprocessRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:preprocess").routeId("preprocessor")
                .onException(Exception.class).handled(true)
                    .bean("recordOutcomes", "failed")
                .end()
                .process("ingestionMetadata")
                .process("recordParser")
                .choice()
                    .when(exchangeProperty(RecordProperties.REJECTION).isNotNull())
                        .to("direct:dead-letter")
                    .otherwise()
                        .process("eventTimestamp")
                        .process("recordEnricher")
                        .to("direct:publish")
                .end();
    }
}
