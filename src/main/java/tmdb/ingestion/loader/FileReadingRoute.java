package tmdb.ingestion.loader;

import org.apache.camel.builder.RouteBuilder;
import tmdb.ingestion.file.FileTracker;

/**
 * Streams a file's lines, from where its reading stopped last to its current end, into the mixing stage: each line
 * that needs sending waits for in-flight budget and is admitted. Used by the folder routes and, for a file its
 * folder can no longer read (moved, or its path replaced), by the file lifecycle. The split stops at the first
 * failure, so that the file resumes after the last line admitted, never after one that was lost.
 */
public class FileReadingRoute extends RouteBuilder {

    @Override
    public void configure() {
        from(FileTracker.READ_ROUTE).routeId("file-reader")
                .onException(Exception.class).handled(true)
                    .bean("fileTracker", "readingFailed")
                .end()
                .removeHeaders("*")
                .split(body()).streaming().stopOnException()
                    .filter(method("fileTracker", "needsSending"))
                        .process("recordAdmission")
                        .to("direct:mix")
                    .end()
                .end()
                .bean("fileTracker", "readingEnded");
    }
}
