package tmdb.ingestion.checkpoint;

import org.apache.camel.BeanInject;
import org.apache.camel.builder.RouteBuilder;

/**
 * Forgets, at intervals, the finished checkpoints older than {@code ingestion.checkpoint.done-retention} that a long
 * run holds (those of files finished here, and those read when its partitions were assigned): the checkpoint topic
 * and the instance's memory keep the unfinished files and the retained finished ones only.
 */
public class CheckpointRetentionRoute extends RouteBuilder {

    @BeanInject
    KafkaCheckpointStore checkpoints;

    @Override
    public void configure() {
        from("timer:checkpoint-retention?delay={{ingestion.checkpoint.done-sweep-interval-ms}}"
                + "&period={{ingestion.checkpoint.done-sweep-interval-ms}}").routeId("checkpoint-retention")
                .bean(checkpoints, "expireDone");
    }
}
