package tmdb.ingestion.loader;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.file.AnnouncementEnds;
import tmdb.ingestion.file.Claim;
import tmdb.ingestion.file.SourceFile;

/**
 * Queues the end of a file's announcement, or its renewal, on the route that writes it ({@link AnnouncementEndsRoute}).
 */
public final class AnnouncementEndQueue implements AnnouncementEnds {

    private static final Logger LOG = LoggerFactory.getLogger(AnnouncementEndQueue.class);

    private final ProducerTemplate template;

    public AnnouncementEndQueue(ProducerTemplate template) {
        this.template = template;
    }

    @Override
    public void ended(SourceFile file) {
        queue(file, file.identity(), false);
    }

    @Override
    public void renewed(Claim claim) {
        queue(claim, claim.identity(), true);
    }

    private void queue(Object fileOrClaim, String identity, boolean renewal) {
        Exception failure;
        try {
            failure = template.send(AnnouncementEndsRoute.QUEUE, exchange -> {
                exchange.getIn().setBody(fileOrClaim);
                exchange.getIn().setHeader(AnnouncementEndsRoute.RENEWAL, renewal);
            }).getException();
        } catch (RuntimeException stopped) {
            failure = stopped;
        }
        if (failure != null && renewal) {
            LOG.warn("The announcement of {} could not be made again ({}): if its files partition goes to another "
                    + "instance before the file is read, the file waits for the next start of the instance that lists "
                    + "the folders", identity, failure.getMessage());
        } else if (failure != null) {
            LOG.debug("The announcement of {} stays on the files topic ({}): an instance given its partition later "
                    + "checks it and finds the file gone or finished", identity, failure.getMessage());
        }
    }
}
