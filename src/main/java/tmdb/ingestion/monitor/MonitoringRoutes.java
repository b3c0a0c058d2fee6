package tmdb.ingestion.monitor;

import org.apache.camel.builder.RouteBuilder;

/** Timers for the progress line and for detecting the end of a {@code once} run. */
public class MonitoringRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("timer:progress?period={{ingestion.progress.interval-ms}}&delay={{ingestion.progress.interval-ms}}")
                .routeId("progress")
                .bean("progressReporter", "report");

        from("timer:run-completion?period=200")
                .routeId("run-completion")
                .bean("runCompletion", "check");
    }
}
