package tmdb.ingestion.deadletter;

import org.apache.camel.builder.RouteBuilder;

/**
 * Turns a rejected line into its dead letter and sends it, through the same Kafka producer and retries as the
 * records. A dead letter that cannot be delivered either is resolved as not delivered: its file goes to
 * {@code .error/}.
 */
public class DeadLetterRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:dead-letter").routeId("dead-letter")
                .process("deadLetterRecord")
                .to("direct:kafka");
    }
}
