package tmdb.ingestion.monitor;

import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.builder.RouteBuilder;
import tmdb.ingestion.file.FileStatusEvents;
import tmdb.ingestion.producer.WindowOutcomes;

/**
 * Sends the queued file status events to the status topic, one at a time so that a file's events stay in order:
 * an error worth retrying (Kafka away) is retried like a record, with the same back-off; an error Kafka calls
 * final (the topic refused, a refused authorisation), or retries exhausted, drops the event, counted. The events
 * queued when the application stops are sent before it stops (within Camel's shutdown timeout). No route when the
 * status topic is off.
 */
public class FileStatusRoute extends RouteBuilder {

    @Override
    public void configure() {
        if (getContext().getPropertiesComponent().resolveProperty("ingestion.status.topic").orElse("").isEmpty()) {
            return;
        }
        onException(Exception.class).onWhen(exchange -> WindowOutcomes.isRetriable(exchange.getException()))
                .maximumRedeliveries("{{ingestion.delivery.redeliveries}}")
                .redeliveryDelay("{{ingestion.delivery.redelivery-delay-ms}}")
                .maximumRedeliveryDelay("{{ingestion.delivery.max-redelivery-delay-ms}}")
                .useExponentialBackOff()
                .handled(true)
                .bean("fileStatusEvents", "dropped");
        onException(Exception.class)
                .handled(true)
                .bean("fileStatusEvents", "dropped");

        from(FileStatusEvents.QUEUE).routeId("file-status")
                .shutdownRunningTask(ShutdownRunningTask.CompleteAllTasks)
                .to("kafka:{{ingestion.status.topic}}");
    }
}
