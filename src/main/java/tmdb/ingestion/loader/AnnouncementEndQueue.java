package tmdb.ingestion.loader;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.file.AnnouncementEnds;
import tmdb.ingestion.file.Claim;
import tmdb.ingestion.file.SourceFile;

/**
 * Queues the end of a file's announcement, or its renewal, on the route that writes it ({@link AnnouncementEndsRoute}),
 * and counts those not written yet: the stop waits for them before Camel's shutdown, which would wait for them in
 * steps of a second.
 */
public final class AnnouncementEndQueue implements AnnouncementEnds {

    private static final Logger LOG = LoggerFactory.getLogger(AnnouncementEndQueue.class);

    private final ProducerTemplate template;
    private final Object writing = new Object();
    private int inFlight;

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

    /** Ends and renewals queued and not written (or given up) yet. */
    public int inFlight() {
        synchronized (writing) {
            return inFlight;
        }
    }

    /** The route is done with one of them: written on the files topic, or given up (said in the log). */
    public void done() {
        changeInFlight(-1);
    }

    /**
     * Waits until every end and renewal queued is written or given up, at most this long: the stop, whose hand-over
     * queues the ends of the files it settles, lets them be written before Camel's shutdown, which would wait for them
     * in steps of a second. True when none is left.
     */
    public boolean awaitWritten(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (writing) {
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(writing, left);
            }
            return true;
        }
    }

    private void changeInFlight(int by) {
        synchronized (writing) {
            inFlight += by;
            if (inFlight == 0) {
                writing.notifyAll();
            }
        }
    }

    private void queue(Object fileOrClaim, String identity, boolean renewal) {
        Exception failure;
        changeInFlight(1);
        try {
            failure = template.send(AnnouncementEndsRoute.QUEUE, exchange -> {
                exchange.getIn().setBody(fileOrClaim);
                exchange.getIn().setHeader(AnnouncementEndsRoute.RENEWAL, renewal);
            }).getException();
        } catch (RuntimeException stopped) {
            failure = stopped;
        }
        if (failure != null) {
            changeInFlight(-1);
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
