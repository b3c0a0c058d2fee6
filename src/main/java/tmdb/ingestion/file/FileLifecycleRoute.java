package tmdb.ingestion.file;

import org.apache.camel.builder.RouteBuilder;

/**
 * Observes the files being ingested at every poll interval: reads on a file its folder cannot read, settles and
 * moves the files whose every line is accounted for and that have been quiet long enough, ends the watch of moved
 * files.
 */
public class FileLifecycleRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("timer:file-lifecycle?delay={{ingestion.poll.delay-ms}}&period={{ingestion.poll.delay-ms}}")
                .routeId("file-lifecycle")
                .bean("fileTracker", "tick");
    }
}
