package tmdb.ingestion.loader;

import org.apache.camel.builder.RouteBuilder;
import tmdb.ingestion.PipelineConfiguration;
import tmdb.ingestion.RecordProperties;
import tmdb.ingestion.config.FolderRoutes;

/**
 * The route template behind every watched folder. Each {@code camel.route-template[<id>]} entry of the properties
 * makes one route that polls its folder for {@code *.jsonl} files and streams each file, line by line, into the
 * mixing stage.
 * <p>
 * The file consumer never moves or deletes a file itself ({@code noop}): the mixing stage completes the file's
 * exchange long before its records reach Kafka, so the file's ledger moves it once every record is resolved.
 * Hidden files and temporary names ({@code .part}, {@code .tmp}) do not match and are left alone; a file still
 * being written in place is read only once it has not changed for {@code ingestion.poll.min-file-age-ms}. In a
 * once run, a poll that finds nothing new says so, for the run to know when it is complete.
 */
public class FolderRouteTemplate extends RouteBuilder {

    public static final String GROUP = "folders";

    @Override
    public void configure() {
        routeTemplate(FolderRoutes.TEMPLATE_ID)
                .templateParameter("type")
                .templateParameter("label")
                .templateParameter("folder")
                .from("file:{{folder}}?antInclude=*.jsonl&noop=true"
                        + "&idempotentKey=${file:name}-${file:size}-${file:modified}"
                        + "&readLock=changed&readLockMarkerFile=false"
                        + "&readLockMinAge={{ingestion.poll.min-file-age-ms}}"
                        + "&readLockCheckInterval={{ingestion.poll.read-lock-check-ms}}"
                        + "&initialDelay=0&delay={{ingestion.poll.delay-ms}}"
                        + "&sortBy=file:name&sendEmptyMessageWhenIdle={{" + PipelineConfiguration.ONCE + "}}")
                .routeGroup(GROUP)
                .onException(Exception.class).handled(true)
                    .bean("fileLedgers", "readingFailed")
                .end()
                .setProperty(RecordProperties.TYPE, constant("{{type}}"))
                .setProperty(RecordProperties.LABEL, constant("{{label}}"))
                .choice()
                    .when(body().isNull())
                        .bean("runCompletion", "folderIdle(${routeId})")
                    .otherwise()
                        .bean("fileLedgers", "open")
                        .removeHeaders("*")
                        .split(body()).streaming()
                            .filter(method("fileLedgers", "needsSending"))
                                .process("recordAdmission")
                                .to("direct:mix")
                            .end()
                        .end()
                        .bean("fileLedgers", "readingFinished")
                .end();
    }
}
