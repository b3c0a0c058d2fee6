package tmdb.ingestion.preprocessor;

import org.apache.camel.builder.RouteBuilder;

/**
 * Enriches each mixed window, record by record: metadata headers, parsing and validation, event time, and the added
 * value fields. A line that fails validation stays in its window, rejected with its reason: the publisher turns it
 * into a dead letter.
 */
public class PreprocessRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:preprocess").routeId("preprocessor")
                .onException(Exception.class).handled(true)
                    .bean("windowOutcomes", "windowFailed")
                .end()
                .process("ingestionMetadata")
                .process("recordParser")
                .process("eventTimestamp")
                .process("recordEnricher")
                .to("direct:publish");
    }
}
