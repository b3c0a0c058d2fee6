package tmdb.ingestion.loader;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import tmdb.ingestion.config.FolderRoutes;
import tmdb.ingestion.config.RunMode;
import tmdb.ingestion.file.ReadingProperties;

/**
 * The route template behind every watched folder. Each {@code camel.route-template[<id>]} entry of the properties
 * makes one route that polls its folder for {@code *.jsonl} files and announces each new one on the files topic,
 * keyed by its path, for the instance that owns its partition to read it. These routes run on one instance of the
 * group only, the owner of files partition 0, so that a folder is listed once however many instances run.
 * <p>
 * The file consumer never moves or deletes a file itself ({@code noop}): a file is finished only once every record
 * is resolved and the file has been quiet for a while, which the file tracker of its owner decides. The tracker is
 * also the consumer's filter: it takes the files it has not announced yet. Hidden files and temporary names
 * ({@code .part}, {@code .tmp}) do not match and are left alone. In a once run, a poll that finds nothing new says
 * so, for the run to know when it is complete.
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
                .autoStartup(false)
                .onException(Exception.class).handled(true)
                    .bean("fileTracker", "announcementFailed")
                    .log(LoggingLevel.WARN, "Could not announce ${header.CamelFilePath} on {{ingestion.group"
                            + ".files-topic}}: ${exception.message}. It is announced again at the next poll")
                .end()
                .setProperty(ReadingProperties.TYPE, constant("{{type}}"))
                .setProperty(ReadingProperties.LABEL, constant("{{label}}"))
                .choice()
                    .when(body().isNull())
                        .bean("runCompletion", "folderIdle(${routeId})")
                    .otherwise()
                        .bean("fileTracker", "announcement")
                        .to("kafka:{{ingestion.group.files-topic}}")
                        .bean("fileTracker", "announced")
                .end();
    }
}
