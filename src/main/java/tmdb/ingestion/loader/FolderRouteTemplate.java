package tmdb.ingestion.loader;

import org.apache.camel.BeanInject;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import tmdb.ingestion.config.FolderRoutes;
import tmdb.ingestion.config.RunMode;
import tmdb.ingestion.file.ReadingProperties;

/**
 * The route template behind every watched folder. Each {@code camel.route-template[<id>]} entry of the properties
 * makes one route that polls its folder for files matching {@code ingestion.file.include} and announces each new one
 * on the files topic, keyed by its path, for the instance that owns its partition to read it. These routes run on one
 * instance of the group only, the owner of files partition 0, so that a folder is listed once however many instances
 * run.
 * <p>
 * The file consumer never moves or deletes a file itself ({@code noop}): the file lifecycle of the file's owner
 * decides when a file is finished. The folders' filter ({@code FolderListing}) passes the files not listed yet, and the
 * lifecycle checks each one before it is announced (links, hidden and temporary names are never read). In a once run,
 * a poll that finds nothing new says so, for the run to know when it is complete.
 */
public class FolderRouteTemplate extends RouteBuilder {

    public static final String GROUP = "folders";

    @BeanInject
    FileAnnouncements announcements;
    @BeanInject
    FolderPolls polls;

    @Override
    public void configure() {
        routeTemplate(FolderRoutes.TEMPLATE_ID)
                .templateParameter("type")
                .templateParameter("label")
                .templateParameter("folder")
                .from("file:{{folder}}?antInclude={{ingestion.file.include}}&noop=true&idempotent=false"
                        + "&filter=#folderListing&initialDelay=0&delay={{ingestion.poll.delay-ms}}"
                        + "&sortBy=file:name&sendEmptyMessageWhenIdle={{" + RunMode.ONCE_PROPERTY + "}}")
                .routeGroup(GROUP)
                .autoStartup(false)
                .onException(Exception.class).handled(true)
                    .bean(announcements, "failed")
                    .log(LoggingLevel.WARN, "Could not announce ${header.CamelFilePath} on {{ingestion.group"
                            + ".files-topic}}: ${exception.message}. It is announced again at the next poll")
                .end()
                .setProperty(ReadingProperties.TYPE, constant("{{type}}"))
                .setProperty(ReadingProperties.LABEL, constant("{{label}}"))
                .choice()
                    .when(body().isNull())
                        .bean(polls, "idle(${routeId})")
                    .when(method(announcements, "toAnnounce"))
                        .process(announcements)
                        .to("kafka:{{ingestion.group.files-topic}}")
                .end();
    }
}
