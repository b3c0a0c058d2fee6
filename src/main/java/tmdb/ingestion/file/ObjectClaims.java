package tmdb.ingestion.file;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.checkpoint.FileIdentity;
import tmdb.ingestion.content.Content;
import tmdb.ingestion.content.ObjectReplacedException;
import tmdb.ingestion.content.S3ObjectContent;
import tmdb.ingestion.content.StoredObject;

/**
 * Objects coming in, when a bucket takes the folders' place: which of a listing's objects to announce, the claims of
 * announced objects (checked by {@link ClaimCheck#checkObject}), and opening them. An object never changes, so it is
 * known by its name and ETag: one listed again with the same ETag is not announced again, and one claimed again with
 * the same ETag while it is read here is a repeat. Part of the lifecycle: only its thread calls it.
 */
final class ObjectClaims {

    private static final Logger LOG = LoggerFactory.getLogger(FileLifecycle.class);

    private final LifecycleContext context;
    private final Opening opening;
    /** Objects listed, by name, with the ETag they had: announced, or skipped with a warning. Pruned at every pass. */
    private final Map<String, String> listedObjects = new HashMap<>();

    ObjectClaims(LifecycleContext context, Opening opening) {
        this.context = context;
        this.opening = opening;
    }

    /**
     * A whole pass of the bucket's listing: the objects to announce (checked, and not announced already with that
     * ETag). Nothing is recorded of them until their announcements are sent ({@link #announced}); what the
     * pass no longer lists is forgotten. (Unlike a folder's files, their announcements need no guard for a once run:
     * the listing's pass that finds nothing new comes after them, and the run waits for the files topic to be read.)
     */
    List<ListedObject> toAnnounce(List<ListedObject> pass) {
        if (context.stopping) {
            return List.of();
        }
        List<ListedObject> toAnnounce = new ArrayList<>();
        Set<String> listedNow = new HashSet<>();
        for (ListedObject listedObject : pass) {
            StoredObject object = listedObject.object();
            String identity = object.uri();
            listedNow.add(identity);
            if (object.eTag().equals(listedObjects.get(identity))) {
                continue;
            }
            ClaimCheck.Verdict verdict = context.check.checkObject(identity, listedObject.type(), listedObject.label(),
                    object.size(), object.eTag());
            if (verdict instanceof ClaimCheck.Refused refused) {
                listedObjects.put(identity, object.eTag());
                LOG.warn("Skipped {}: {}. Nothing of it was read", identity, refused.reason());
            } else {
                toAnnounce.add(listedObject);
            }
        }
        listedObjects.keySet().retainAll(listedNow);
        return toAnnounce;
    }

    /** The announcement of an object was sent: the listing does not announce it again while it keeps its ETag. */
    void announced(StoredObject object) {
        listedObjects.put(object.uri(), object.eTag());
    }

    /**
     * An object announced in an owned partition: its new claim, to be opened; null when it is refused, or claimed or
     * read here already with the same ETag.
     */
    TrackedFile claim(Claim claim, String where) {
        ClaimCheck.Verdict verdict = context.check.checkObject(claim.identity(), claim.type(), claim.label(),
                claim.size(), claim.eTag());
        if (verdict instanceof ClaimCheck.Refused refused) {
            Claims.refuse(claim, where, refused.reason());
            return null;
        } else if (verdict instanceof ClaimCheck.AcceptedObject accepted) {
            TrackedFile waiting = context.table.waitingClaim(claim.identity());
            if (waiting != null && waiting.object().eTag().equals(accepted.object().eTag())) {
                return null;
            }
            if (waiting != null) {
                // the later announcement names what the bucket holds now (an earlier one may be stale, or forged)
                context.drop(waiting);
            }
            TrackedFile current = context.table.atPath(claim.identity());
            if (current != null && accepted.object().eTag().equals(current.fileKey())) {
                return null;
            }
            context.table.files().stream().filter(file -> file.identity().equals(claim.identity()))
                    .forEach(file -> file.claimedAgain(true));
            return context.table.claim(claim, accepted.object());
        }
        return null;
    }

    /**
     * Opens an object: none at all when its checkpoint says it was ingested completely under this ETag (every run
     * lists every object again, and the files topic may still hold an earlier run's announcement of it); otherwise its
     * first bytes are read for its format, and the byte before its checkpoint's resume point, off the lifecycle's
     * thread (a store that is slow or retried must not hold every file's steps back). The claim stays waiting until
     * the answer comes back as an event; one let go meanwhile is not opened.
     */
    void open(TrackedFile file, long now) {
        if (file.pending() == PendingAnswer.FIRST_BYTES) {
            return;
        }
        ClaimCheck.Bucket bucket = context.check.bucket().orElseThrow();
        Content content = bucket.opener().apply(file.object());
        String eTag = file.object().eTag();
        try {
            ContentFormat format = ingestedBefore(file, content);
            if (format != null) {
                opening.opened(file, content, eTag, null, format, opening.decide(file.identity(), content, format,
                        file.startsAfresh()));
                return;
            }
        } catch (IOException e) {
            notOpened(file, content, e, now);
            return;
        }
        String identity = file.identity();
        boolean afresh = file.startsAfresh();
        try {
            CompletableFuture.supplyAsync(() -> probe(identity, content, afresh), bucket.probes())
                    .whenComplete((probe, error) -> {
                        if (!context.post(() -> probed(file, content, probe, error))) {
                            closeQuietly(content);
                        }
                    });
        } catch (RejectedExecutionException stopping) {
            closeQuietly(content);
            return;
        }
        file.pending(PendingAnswer.FIRST_BYTES);
    }

    /** What an object's first bytes say, read off the lifecycle's thread: its format and where it resumes. */
    private record Probe(ContentFormat format, Opening.Resume resume, String notText) {
    }

    private Probe probe(String identity, Content content, boolean afresh) {
        try {
            ContentFormat format = ContentCheck.formatOf(content);
            Opening.Resume resume = opening.decide(identity, content, format, afresh);
            // its stream is let go until a reader comes: every claim waiting for one would hold a connection
            content.close();
            return new Probe(format, resume, null);
        } catch (ContentCheck.NotTextException e) {
            return new Probe(null, null, e.getMessage());
        } catch (IOException e) {
            throw new CompletionException(e);
        }
    }

    private void probed(TrackedFile file, Content content, Probe probe, Throwable error) {
        file.pending(PendingAnswer.NONE);
        if (file.state() != FileState.CLAIMED || context.table.waitingClaim(file.identity()) != file) {
            closeQuietly(content);
            return;
        }
        try {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                notOpened(file, content, cause instanceof IOException io ? io : new IOException(cause),
                        context.clock.nanoTime());
            } else if (probe.notText() != null) {
                opening.unreadable(file, content, file.object().eTag(), probe.notText());
            } else {
                opening.opened(file, content, file.object().eTag(), null, probe.format(), probe.resume());
            }
        } catch (IOException e) {
            notOpened(file, content, e, context.clock.nanoTime());
        }
    }

    /**
     * An object that could not be opened: dropped when it was replaced or deleted since it was announced (the listing
     * announces what the bucket holds now), tried again in a minute otherwise.
     */
    private void notOpened(TrackedFile file, Content content, IOException e, long now) {
        closeQuietly(content);
        if (e instanceof ObjectReplacedException) {
            // as a file moved away since its announcement: an earlier listing's announcement, replayed
            LOG.debug("Did not open {}: it was replaced since it was announced (its ETag is no longer {}); the "
                    + "listing announces the new object", file.identity(), file.object().eTag());
            context.drop(file);
            return;
        }
        if (S3ObjectContent.notFound(e)) {
            LOG.debug("Did not open {}: it is no longer in its bucket", file.identity());
            context.drop(file);
            return;
        }
        if (file.neverFailedToOpen()) {
            context.stats.fileNotOpened(file.source().type(), file.source().label());
        }
        LOG.error("Could not start {}: {}. The object was left in place; it is tried again in a minute (a once "
                + "run ends without it, with status 1)", file.identity(), LifecycleContext.describe(e));
        file.retryOpenAt(now + Claims.RETRY_OPEN_NANOS);
    }

    /** The format its checkpoint gives an object ingested completely before under this ETag; null otherwise. */
    private ContentFormat ingestedBefore(TrackedFile file, Content content) throws IOException {
        Checkpoint checkpoint = context.checkpoints.find(file.identity()).orElse(null);
        if (checkpoint == null || !checkpoint.done() || checkpoint.size() != content.size()) {
            return null;
        }
        for (ContentFormat format : ContentFormat.values()) {
            if (format.label().equals(checkpoint.format())
                    && FileIdentity.mismatch(checkpoint, file.identity(), content, format.label()).isEmpty()) {
                return format;
            }
        }
        return null;
    }

    private static void closeQuietly(Content content) {
        try {
            content.close();
        } catch (IOException e) {
            LOG.debug("Closing {}: {}", content, e.getMessage());
        }
    }
}
