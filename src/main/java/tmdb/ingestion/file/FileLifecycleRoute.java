package tmdb.ingestion.file;

import org.apache.camel.BeanInject;
import org.apache.camel.builder.RouteBuilder;
import tmdb.ingestion.config.DeliveryGuarantee;

/**
 * The lifecycle's clocks: every poll interval a tick (each file observed and taken a step further: read on, settle,
 * move, end a watch), and, at-least-once, every checkpoint interval the progress of the files being read saved
 * (exactly-once, the transactions commit each file's checkpoint with its records). Both only post an event to the
 * lifecycle.
 */
public class FileLifecycleRoute extends RouteBuilder {

    @BeanInject
    FileLifecycle lifecycle;

    @Override
    public void configure() {
        from("timer:file-lifecycle?delay={{ingestion.poll.delay-ms}}&period={{ingestion.poll.delay-ms}}")
                .routeId("file-lifecycle")
                .bean(lifecycle, "tick");
        if (!Boolean.parseBoolean(getContext().resolvePropertyPlaceholders("{{"
                + DeliveryGuarantee.TRANSACTIONAL_PROPERTY + "}}"))) {
            from("timer:checkpoints?period={{ingestion.checkpoint.interval-ms}}"
                    + "&delay={{ingestion.checkpoint.interval-ms}}")
                    .routeId("checkpoints")
                    .bean(lifecycle, "saveProgress");
        }
    }
}
