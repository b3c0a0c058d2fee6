package tmdb.ingestion.loader;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.file.AnnouncementEnds;
import tmdb.ingestion.file.SourceFile;

/** Queues the end of a file's announcement on the route that tombstones it ({@link AnnouncementEndsRoute}). */
public final class AnnouncementEndQueue implements AnnouncementEnds {

    private static final Logger LOG = LoggerFactory.getLogger(AnnouncementEndQueue.class);

    private final ProducerTemplate template;

    public AnnouncementEndQueue(ProducerTemplate template) {
        this.template = template;
    }

    @Override
    public void ended(SourceFile file) {
        Exception failure;
        try {
            failure = template.send(AnnouncementEndsRoute.QUEUE, exchange -> exchange.getIn().setBody(file.identity()))
                    .getException();
        } catch (RuntimeException stopped) {
            failure = stopped;
        }
        if (failure != null) {
            LOG.debug("The announcement of {} stays on the files topic ({}): an instance given its partition later "
                    + "checks it and finds the file gone or finished", file.identity(), failure.getMessage());
        }
    }
}
