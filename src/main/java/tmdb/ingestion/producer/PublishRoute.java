package tmdb.ingestion.producer;

import org.apache.camel.builder.RouteBuilder;

/** Addresses each good record (its type's topic, its TMDB id as key) and sends it. */
public class PublishRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:publish").routeId("publisher")
                .process("recordAddressing")
                .to("direct:kafka");
    }
}
