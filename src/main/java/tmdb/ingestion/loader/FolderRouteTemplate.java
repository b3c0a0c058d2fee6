package tmdb.ingestion.loader;

import org.apache.camel.builder.RouteBuilder;
import tmdb.ingestion.config.FolderRoutes;
import tmdb.ingestion.config.RunMode;
import tmdb.ingestion.file.FileTracker;
import tmdb.ingestion.file.ReadingProperties;

/**
 * The route template behind every watched folder. Each {@code camel.route-template[<id>]} entry of the properties
 * makes one route that polls its folder for {@code *.jsonl} files and hands each file to the reading route.
 * <p>
 * The file consumer never moves or deletes a file itself ({@code noop}): a file is finished only once every record
 * is resolved and the file has been quiet for a while, which the file tracker decides. The tracker is also the
 * consumer's filter: it takes new files, and files read to their end that have grown since (a writer that writes in
 * place), so no read lock is needed and a file that keeps growing is read as it grows. Hidden files and temporary
 * names ({@code .part}, {@code .tmp}) do not match and are left alone. In a once run, a poll that finds nothing new
 * says so, for the run to know when it is complete.
 */
public class FolderRouteTemplate extends RouteBuilder {

    public static final String GROUP = "folders";

    @Override
    public void configure() {
        routeTemplate(FolderRoutes.TEMPLATE_ID)
                .templateParameter("type")
                .templateParameter("label")
                .templateParameter("folder")
                .from("file:{{folder}}?antInclude=*.jsonl&noop=true&idempotent=false&filter=#fileTracker"
                        + "&initialDelay=0&delay={{ingestion.poll.delay-ms}}"
                        + "&sortBy=file:name&sendEmptyMessageWhenIdle={{" + RunMode.ONCE_PROPERTY + "}}")
                .routeGroup(GROUP)
                .onException(Exception.class).handled(true)
                    .bean("fileTracker", "readingFailed")
                .end()
                .setProperty(ReadingProperties.TYPE, constant("{{type}}"))
                .setProperty(ReadingProperties.LABEL, constant("{{label}}"))
                .choice()
                    .when(body().isNull())
                        .bean("runCompletion", "folderIdle(${routeId})")
                    .otherwise()
                        .bean("fileTracker", "open")
                        .to(FileTracker.READ_ROUTE)
                .end();
    }
}
