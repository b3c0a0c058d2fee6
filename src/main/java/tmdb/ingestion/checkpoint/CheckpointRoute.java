package tmdb.ingestion.checkpoint;

import org.apache.camel.builder.RouteBuilder;

/** Saves the progress of the files being read, at a steady interval. */
public class CheckpointRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("timer:checkpoints?period={{ingestion.checkpoint.interval-ms}}&delay={{ingestion.checkpoint.interval-ms}}")
                .routeId("checkpoints")
                .bean("fileTracker", "saveCheckpoints");
    }
}
