package tmdb.ingestion.loader;

import org.apache.camel.builder.RouteBuilder;

/**
 * With a bucket configured ({@code ingestion.source.s3.bucket}), the bucket takes the folders' place: every
 * {@code ingestion.source.s3.list-interval-ms} it lists the objects under {@code <prefix><type>/<label>/} of every
 * watched type and label, and announces each new one on the files topic with its size and ETag, keyed by its
 * {@code s3://} name, for the instance owning its partition to read it. Like the folder routes, it runs on the owner of
 * files partition 0 only. A listing S3 refuses or fails is said in the log (at once, then once a minute while it lasts)
 * and in readiness, and tried again after a back-off (the interval, doubled at each failure up to a minute); in a once
 * run, a pass that finds nothing new says so, for the run to know when it
 * is complete.
 */
public class BucketListingRoute extends RouteBuilder {

    public static final String ROUTE_ID = "bucket-listing";
    public static final String BUCKET_PROPERTY = "ingestion.source.s3.bucket";

    @Override
    public void configure() {
        if (getContext().getPropertiesComponent().resolveProperty(BUCKET_PROPERTY).filter(bucket -> !bucket.isBlank())
                .isEmpty()) {
            return;
        }
        from("timer:" + ROUTE_ID + "?delay=0&period={{ingestion.source.s3.list-interval-ms}}")
                .routeId(ROUTE_ID)
                .routeGroup(FolderRouteTemplate.GROUP)
                .autoStartup(false)
                .routePolicyRef("bucketListingPolicy")
                .onException(BucketListing.BucketNotListedException.class, IllegalStateException.class).handled(true)
                    .bean("bucketObjects", "passFailed")
                .end()
                .filter(method("bucketObjects", "due"))
                    .bean("bucketObjects", "toAnnounce")
                    .choice()
                        .when(simple("${body.isEmpty()}"))
                            .bean("folderPolls", "idle(${routeId})")
                    .end()
                    .split(body())
                        .doTry()
                            .bean("fileAnnouncements", "objectAnnouncement")
                            .to("kafka:{{ingestion.group.files-topic}}")
                            .setBody(exchangeProperty(FileAnnouncements.OBJECT_ANNOUNCED))
                            .bean("bucketObjects", "announced")
                        .doCatch(Exception.class)
                            .bean("bucketObjects", "notAnnounced")
                        .end()
                    .end()
                .end();
    }
}
