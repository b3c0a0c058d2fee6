package tmdb.ingestion.loader;

import org.apache.camel.builder.RouteBuilder;
import tmdb.ingestion.file.FileTracker;

/**
 * Streams a file's lines, from where its reading stopped last to its current end, into the mixing stage, in chunks
 * (whose lines hold their in-flight budget already): each chunk is admitted into its file's account and goes on as
 * a list of records. The file tracker queues a file here when it picks it up and whenever it has new lines;
 * {@code ingestion.read.files-at-once} files are read at once, so that the mixing stage gets chunks of several
 * folders. The split stops at the first failure, so that the file resumes after the last line admitted, never after
 * one that was lost.
 */
public class FileReadingRoute extends RouteBuilder {

    @Override
    public void configure() {
        from(FileTracker.READ_ROUTE + "?concurrentConsumers={{ingestion.read.files-at-once}}").routeId("file-reader")
                .onException(Exception.class).handled(true)
                    .bean("fileTracker", "readingFailed")
                .end()
                .removeHeaders("*")
                .bean("fileTracker", "startReader")
                .split(method("fileTracker", "chunks")).streaming().stopOnException()
                    .process("recordAdmission")
                    .filter(simple("${body.isEmpty()} == false"))
                        .to("direct:mix")
                    .end()
                .end()
                .bean("fileTracker", "readingEnded");
    }
}
