package tmdb.ingestion.loader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import tmdb.ingestion.checkpoint.FilePartitions;
import tmdb.ingestion.file.Claim;
import tmdb.ingestion.file.ClaimCheck;
import tmdb.ingestion.file.FileLifecycle;
import tmdb.ingestion.file.ListedObject;
import tmdb.ingestion.file.ReadingProperties;
import tmdb.ingestion.file.SourceFile;

/**
 * The folder routes' steps: asks the lifecycle whether a listed file is to be announced, makes the announcement
 * (keyed by the deployment and the file's path under the data folder, as its checkpoints are, to the partition of
 * that path, so that the instance owning the partition reads it), and tells the lifecycle when it could not be sent.
 */
public final class FileAnnouncements implements Processor {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The exchange property holding the object an announcement is of: what follows the send tells about it. */
    public static final String OBJECT_ANNOUNCED = "TmdbObjectAnnounced";

    private final FileLifecycle lifecycle;
    private final ClaimCheck check;
    private final FilePartitions partitions;
    private final String instanceId;
    private final String deploymentId;

    /**
     * @param instanceId   this instance, named in each announcement
     * @param deploymentId the deployment whose files these are: deployments sharing the files topic keep their
     *                     announcements apart by it
     */
    public FileAnnouncements(FileLifecycle lifecycle, ClaimCheck check, FilePartitions partitions, String instanceId,
                             String deploymentId) {
        this.lifecycle = lifecycle;
        this.check = check;
        this.partitions = partitions;
        this.instanceId = instanceId;
        this.deploymentId = deploymentId;
    }

    /** True when the listed file is to be announced. */
    public boolean toAnnounce(Exchange exchange) {
        return lifecycle.announce(pathOf(exchange), exchange.getProperty(ReadingProperties.TYPE, String.class),
                exchange.getProperty(ReadingProperties.LABEL, String.class));
    }

    /** Makes the listed file its announcement on the files topic. */
    @Override
    public void process(Exchange exchange) {
        Path path = pathOf(exchange);
        announcement(exchange, check.identityOf(path), exchange.getProperty(ReadingProperties.TYPE, String.class),
                exchange.getProperty(ReadingProperties.LABEL, String.class),
                exchange.getIn().getHeader(Exchange.FILE_LENGTH, Long.class), null);
        exchange.getIn().setHeader(Exchange.FILE_PATH, path.toString());
    }

    /**
     * Makes a listed object (the body) its announcement, with its size and ETag (its reader needs no request for
     * them); the object itself is kept in an exchange property, for what follows the send.
     */
    public void objectAnnouncement(Exchange exchange) {
        ListedObject listed = exchange.getIn().getBody(ListedObject.class);
        exchange.setProperty(OBJECT_ANNOUNCED, listed);
        announcement(exchange, listed.object().uri(), listed.type(), listed.label(), listed.object().size(),
                listed.object().eTag());
    }

    /**
     * Makes the claim of a file held here (the body) its announcement again: as it was first made, but for a file's
     * size, unknown (an object's size and ETag are the claim's).
     */
    public void renewal(Exchange exchange) {
        Claim claim = exchange.getIn().getBody(Claim.class);
        announcement(exchange, claim.identity(), claim.type(), claim.label(), claim.size() < 0 ? null : claim.size(),
                claim.eTag());
    }

    private void announcement(Exchange exchange, String identity, String type, String label, Long size,
                              String eTag) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("file", identity);
        fields.put("type", type);
        fields.put("label", label);
        if (size != null) {
            fields.put("size", size);
        }
        if (eTag != null) {
            fields.put("etag", eTag);
        }
        fields.put("announced_by", instanceId);
        fields.put("time", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        exchange.getIn().removeHeaders("*");
        exchange.getIn().setHeader(KafkaConstants.KEY, deploymentId + "|" + identity);
        exchange.getIn().setHeader(KafkaConstants.PARTITION_KEY, partitions.of(identity));
        try {
            exchange.getIn().setBody(JSON.writeValueAsBytes(fields));
        } catch (IOException e) {
            throw new IllegalStateException("a map of strings and numbers is always JSON", e);
        }
    }

    /**
     * Makes a file that ended here (the body) the tombstone of its announcement: the same key and partition, no
     * value, so that compaction removes the announcement.
     */
    public void ending(Exchange exchange) {
        String identity = exchange.getIn().getBody(SourceFile.class).identity();
        if (!ClaimCheck.namesAnObject(identity) && Files.exists(check.dataRoot().resolve(identity), LinkOption.NOFOLLOW_LINKS)) {
            // a file dropped again under the same name: its announcement, before or after this one, must stay
            exchange.setRouteStop(true);
            return;
        }
        exchange.getIn().removeHeaders("*");
        exchange.getIn().setHeader(KafkaConstants.KEY, deploymentId + "|" + identity);
        exchange.getIn().setHeader(KafkaConstants.PARTITION_KEY, partitions.of(identity));
        exchange.getIn().setBody(null);
    }

    /** The announcement could not be sent: the next listing announces the file again. */
    public void failed(Exchange exchange) {
        String path = exchange.getIn().getHeader(Exchange.FILE_PATH, String.class);
        if (path != null) {
            lifecycle.announcementFailed(Path.of(path));
        }
    }

    private static Path pathOf(Exchange exchange) {
        return Path.of(exchange.getIn().getHeader(Exchange.FILE_PATH, String.class)).toAbsolutePath().normalize();
    }
}
