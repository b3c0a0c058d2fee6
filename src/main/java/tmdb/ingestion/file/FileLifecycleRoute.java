package tmdb.ingestion.file;

import org.apache.camel.BeanInject;
import org.apache.camel.builder.RouteBuilder;

/**
 * The lifecycle's clocks: every poll interval a tick (each file observed and taken a step further: read on, settle,
 * move, end a watch), and every checkpoint interval the progress of the files being read saved (at-least-once; in
 * exactly-once mode the transactions write the checkpoints). Both only post an event to the lifecycle.
 */
public class FileLifecycleRoute extends RouteBuilder {

    @BeanInject
    FileLifecycle lifecycle;

    @Override
    public void configure() {
        from("timer:file-lifecycle?delay={{ingestion.poll.delay-ms}}&period={{ingestion.poll.delay-ms}}")
                .routeId("file-lifecycle")
                .bean(lifecycle, "tick");
        from("timer:checkpoints?period={{ingestion.checkpoint.interval-ms}}&delay={{ingestion.checkpoint.interval-ms}}")
                .routeId("checkpoints")
                .bean(lifecycle, "saveProgress");
    }
}
