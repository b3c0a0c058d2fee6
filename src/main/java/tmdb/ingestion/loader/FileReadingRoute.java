package tmdb.ingestion.loader;

import org.apache.camel.BeanInject;
import org.apache.camel.builder.RouteBuilder;
import tmdb.ingestion.record.RecordProcessor;

/**
 * Streams a file's lines, from where its reading stopped last, into the mixing stage, in chunks (whose lines hold
 * their in-flight budget already): each chunk is admitted into its file's account and goes on as a list of records.
 * The file lifecycle queues a grant here when a file is picked up and whenever it has lines to read, at most
 * {@code ingestion.read.files-at-once} at a time and one per file. {@code ingestion.read.threads} readers take the
 * grants in turn: a reader reads a slice of a plain file ({@code ingestion.read.slice-chunks} chunks) and gives it
 * back, and the lifecycle queues the file again behind the others, so that a few threads cover every file being read
 * and the mixing stage gets chunks of several folders (a thread per file cost a fifth more CPU, in context switches).
 * A compressed file is read to its end. The split stops at the first failure, so that the file resumes after the
 * last line admitted, never after one that was lost.
 */
public class FileReadingRoute extends RouteBuilder {

    @BeanInject
    FileReading reading;
    @BeanInject
    RecordAdmission admission;

    @Override
    public void configure() {
        from(FileReading.QUEUE + "&concurrentConsumers={{ingestion.read.threads}}").routeId("file-reader")
                .onException(Exception.class).handled(true)
                    .process(reading::failed)
                .end()
                .removeHeaders("*")
                .process(reading::start)
                .split().exchange(reading::chunks).streaming().stopOnException()
                    .process(admission)
                    .filter(RecordProcessor::holdsRecords)
                        .to("direct:mix")
                    .end()
                .end()
                .process(reading::ended);
    }
}
