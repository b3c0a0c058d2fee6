package tmdb.ingestion.producer;

import org.apache.camel.builder.RouteBuilder;

/**
 * Addresses every record of a window: a rejected line becomes a dead letter (to the dead-letter topic, keyed by its
 * id when it has one), a good record goes to the topic of its type, keyed by its TMDB id. Then the window is sent.
 */
public class PublishRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:publish").routeId("publisher")
                .onException(Exception.class).handled(true)
                    .bean("windowOutcomes", "windowFailed")
                .end()
                .process("deadLetterRecord")
                .process("recordAddressing")
                .to("direct:kafka");
    }
}
