package tmdb.ingestion.loader;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import tmdb.ingestion.file.ReadDispatch;
import tmdb.ingestion.file.ReadGrant;

/** Queues the lifecycle's read grants on the reading route ({@link FileReading#QUEUE}). */
public final class ReadQueue implements ReadDispatch {

    private final ProducerTemplate template;

    public ReadQueue(ProducerTemplate template) {
        this.template = template;
    }

    @Override
    public boolean offer(ReadGrant grant) {
        Exchange queued = template.send(FileReading.QUEUE, exchange -> exchange.getIn().setBody(grant));
        return queued.getException() == null;
    }
}
