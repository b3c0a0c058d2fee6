package tmdb.ingestion.loader;

import org.apache.camel.BeanInject;
import org.apache.camel.builder.RouteBuilder;

/**
 * Streams a file's lines, from where its reading stopped last to its current end, into the mixing stage, in chunks
 * (whose lines hold their in-flight budget already): each chunk is admitted into its file's account and goes on as a
 * list of records. The file lifecycle queues a grant here when a file is picked up and whenever it has new lines, at
 * most {@code ingestion.read.files-at-once} at a time and one per file, so that the mixing stage gets chunks of
 * several folders. The split stops at the first failure, so that the file resumes after the last line admitted,
 * never after one that was lost.
 */
public class FileReadingRoute extends RouteBuilder {

    @BeanInject
    FileReading reading;
    @BeanInject
    RecordAdmission admission;

    @Override
    public void configure() {
        from(FileReading.QUEUE + "?concurrentConsumers={{ingestion.read.files-at-once}}").routeId("file-reader")
                .onException(Exception.class).handled(true)
                    .bean(reading, "failed")
                .end()
                .removeHeaders("*")
                .bean(reading, "start")
                .split(method(reading, "chunks")).streaming().stopOnException()
                    .process(admission)
                    .filter(simple("${body.isEmpty()} == false"))
                        .to("direct:mix")
                    .end()
                .end()
                .bean(reading, "ended");
    }
}
