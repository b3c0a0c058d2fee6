package tmdb.ingestion.loader;

import org.apache.camel.BeanInject;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * Tombstones the announcements of files that ended (done or failed) on the files topic, so that compaction leaves
 * the files in flight only and a new owner of a partition reads no more than those. A tombstone that cannot be sent
 * leaves an announcement behind, which costs a check at the next assignment and nothing else. It also announces again
 * a file held here whose announcement an earlier file's tombstone came after.
 */
public class AnnouncementEndsRoute extends RouteBuilder {

    /** Bounded, and never blocking the lifecycle's thread: a full queue drops the tombstone (said in the log). */
    public static final String QUEUE = "seda:announcement-ends?size=10000&blockWhenFull=false";
    /** True on a file held here whose announcement is made again rather than ended. */
    public static final String RENEWAL = "TmdbAnnouncementRenewal";

    @BeanInject
    FileAnnouncements announcements;

    @BeanInject
    AnnouncementEndQueue queue;

    @Override
    public void configure() {
        from(QUEUE).routeId("announcement-ends")
                .onCompletion()
                    .bean(queue, "done")
                .end()
                .onException(Exception.class).handled(true)
                    .log(LoggingLevel.WARN, "The announcement of ${header.CamelKafkaKey} stays on "
                            + "{{ingestion.group.files-topic}}: ${exception.message}")
                .end()
                .choice()
                    .when(header(RENEWAL)).bean(announcements, "renewal")
                    .otherwise().bean(announcements, "ending")
                .end()
                .to("kafka:{{ingestion.group.files-topic}}");
    }
}
