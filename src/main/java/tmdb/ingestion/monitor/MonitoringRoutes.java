package tmdb.ingestion.monitor;

import org.apache.camel.builder.RouteBuilder;
import tmdb.ingestion.config.RunMode;

/** Timers for the progress line and, in a once run only, for detecting its end. */
public class MonitoringRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("timer:progress?period={{ingestion.progress.interval-ms}}&delay={{ingestion.progress.interval-ms}}")
                .routeId("progress")
                .bean("progressReporter", "report");

        // a once run ends within 50 ms of its last outcome (the check is a question to the file lifecycle's thread);
        // the timer's default first delay (1 s) would add a second to every once run
        from("timer:run-completion?delay=50&period=50")
                .routeId("run-completion")
                .autoStartup("{{" + RunMode.ONCE_PROPERTY + "}}")
                .bean("runCompletion", "check");
    }
}
