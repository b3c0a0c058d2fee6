package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.checkpoint.FileIdentity;
import tmdb.ingestion.content.Content;
import tmdb.ingestion.content.LocalFileContent;
import tmdb.ingestion.content.ObjectReplacedException;
import tmdb.ingestion.content.S3ObjectContent;
import tmdb.ingestion.content.StoredObject;

/**
 * Files coming in: the folders' listing asks which files to announce, the group's announcements become claims, and a
 * claim is opened once its path holds no other file being read. Every path is checked ({@link ClaimCheck}) where it
 * comes in, and again right before it is opened; a checkpoint is used only when it matches the file. Part of the
 * lifecycle: only its thread calls it.
 */
final class Claims {

    private static final Logger LOG = LoggerFactory.getLogger(FileLifecycle.class);
    /** A file that could not be opened (permission denied) is tried again after this long. */
    private static final long RETRY_OPEN_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final LifecycleContext context;
    private final Set<Integer> owned = new HashSet<>();
    /** Paths listed, with the file key (inode) they held: announced, or skipped with a warning. */
    private final Map<Path, Object> listed = new HashMap<>();
    /** Objects listed, by name, with the ETag they had: announced, or skipped with a warning. Pruned at every pass. */
    private final Map<String, String> listedObjects = new HashMap<>();
    /** Files announced by this instance whose claims have not come back yet, with their partitions. */
    private final Map<String, Integer> announcing = new HashMap<>();
    private volatile Map<Path, Object> listedView = Map.of();

    Claims(LifecycleContext context) {
        this.context = context;
    }

    /** The paths listed and the file keys they held, for the folders' filter: published, read from any thread. */
    Map<Path, Object> listedView() {
        return listedView;
    }

    /** A folder lists a file: true when it is to be announced (checked, and not announced while it stays). */
    boolean announce(Path path, String type, String label) {
        Object key = keyOf(path, LinkOption.NOFOLLOW_LINKS);
        if (context.stopping || key == null || key.equals(listed.get(path))) {
            return false;
        }
        String identity = context.relative(path);
        ClaimCheck.Verdict verdict = context.check.check(identity, type, label);
        if (verdict instanceof ClaimCheck.Gone) {
            return false;
        }
        listed.put(path, key);
        listedView = Map.copyOf(listed);
        if (verdict instanceof ClaimCheck.Refused refused) {
            LOG.warn("Skipped {}: {}. Nothing of it was read; copy or move the file itself into the folder",
                    identity, refused.reason());
            return false;
        }
        announcing.put(identity, context.partitions.of(identity));
        return true;
    }

    /**
     * A whole pass of the bucket's listing: the objects to announce (checked, and not announced already with that
     * ETag). Nothing is recorded of them until their announcements are sent ({@link #objectAnnounced}); what the
     * pass no longer lists is forgotten. (Unlike a folder's files, their announcements need no guard for a once run:
     * the listing's pass that finds nothing new comes after them, and the run waits for the files topic to be read.)
     */
    List<ListedObject> objectsToAnnounce(List<ListedObject> pass) {
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
    void objectAnnounced(StoredObject object) {
        listedObjects.put(object.uri(), object.eTag());
    }

    /** The announcement could not be sent: the next listing announces the file again. */
    void announcementFailed(Path path) {
        listed.remove(path);
        listedView = Map.copyOf(listed);
        announcing.remove(context.relative(path));
    }

    void assigned(Set<Integer> partitions) {
        owned.addAll(partitions);
    }

    /** These partitions go: their claims waiting to be opened are dropped. */
    void released(Set<Integer> partitions) {
        owned.removeAll(partitions);
        for (TrackedFile waiting : context.table.waitingClaims()) {
            if (partitions.contains(waiting.source().partition())) {
                drop(waiting);
            }
        }
    }

    /** The application stops: no claim is opened any more. */
    void stop() {
        context.table.waitingClaims().forEach(this::drop);
    }

    /**
     * A file announced in a partition this instance owns. Refused, with a warning naming the announcement, when
     * what it names may not be read; dropped when the file is gone or already being read here.
     */
    void claim(Claim claim) {
        announcing.remove(claim.identity());
        if (context.stopping || !owned.contains(claim.partition())) {
            return;
        }
        String where = "the announcement at partition " + claim.partition() + ", offset " + claim.offset()
                + " of the files topic";
        int partition = context.partitions.of(claim.identity());
        if (partition != claim.partition()) {
            refuse(claim, where, "its path belongs to partition " + partition);
            return;
        }
        if (ClaimCheck.namesAnObject(claim.identity())) {
            claimObject(claim, where);
            return;
        }
        ClaimCheck.Verdict verdict = context.check.check(claim.identity(), claim.type(), claim.label());
        if (verdict instanceof ClaimCheck.Refused refused) {
            refuse(claim, where, refused.reason());
        } else if (verdict instanceof ClaimCheck.Accepted accepted
                && context.table.waitingClaim(claim.identity()) == null && !beingRead(accepted.path(), claim)) {
            // another file under the same path: the one still watched here must not tombstone its announcement
            context.table.files().stream().filter(file -> file.identity().equals(claim.identity()))
                    .forEach(file -> file.claimedAgain(true));
            tryOpen(context.table.claim(claim, accepted.path()));
        }
    }

    /** An object announced: claimed unless refused, or already claimed or read here with the same ETag. */
    private void claimObject(Claim claim, String where) {
        ClaimCheck.Verdict verdict = context.check.checkObject(claim.identity(), claim.type(), claim.label(),
                claim.size(), claim.eTag());
        if (verdict instanceof ClaimCheck.Refused refused) {
            refuse(claim, where, refused.reason());
        } else if (verdict instanceof ClaimCheck.AcceptedObject accepted) {
            TrackedFile waiting = context.table.waitingClaim(claim.identity());
            if (waiting != null && waiting.object().eTag().equals(accepted.object().eTag())) {
                return;
            }
            if (waiting != null) {
                // the later announcement names what the bucket holds now (an earlier one may be stale, or forged)
                drop(waiting);
            }
            TrackedFile current = context.table.atPath(claim.identity());
            if (current != null && accepted.object().eTag().equals(current.fileKey())) {
                return;
            }
            context.table.files().stream().filter(file -> file.identity().equals(claim.identity()))
                    .forEach(file -> file.claimedAgain(true));
            tryOpen(context.table.claim(claim, accepted.object()));
        }
    }

    /**
     * The tombstone of an announcement in a partition this instance owns. A file of that path still held here was
     * announced before it: the tombstone is an earlier file's under the same path, whose end was on its way when the
     * collector dropped this one, and compaction would remove this one's announcement with it (an instance given the
     * partition later would not know the file). So it is announced again.
     */
    void tombstoned(String identity, int partition) {
        if (context.stopping || !owned.contains(partition)) {
            return;
        }
        context.table.files().stream().filter(file -> file.identity().equals(identity) && !file.state().ended())
                .forEach(file -> {
                    LOG.info("Announcing {} again: the tombstone of an earlier file under its path came after its "
                            + "announcement in partition {} of the files topic", identity, partition);
                    context.announcements.renewed(file.claim());
                });
    }

    private void refuse(Claim claim, String where, String reason) {
        LOG.warn("Refused {}: it names {}, and {}. Nothing was read or moved", where, claim.identity(), reason);
    }

    /** True when the path holds the very file being read here already (the announcement is a repeat). */
    private boolean beingRead(Path path, Claim claim) {
        TrackedFile current = context.table.atPath(claim.identity());
        return current != null && Objects.equals(current.fileKey(), keyOf(path, linkOptions()));
    }

    /** Opens the claims whose paths are free now. */
    void openWaiting() {
        context.table.waitingClaims().forEach(this::tryOpen);
    }

    /** What keeps claims pending: files announced here not back as claims, claims waiting to be opened. */
    List<String> pendingReasons() {
        long now = context.clock.nanoTime();
        List<String> reasons = new ArrayList<>();
        if (!announcing.isEmpty()) {
            reasons.add("the announcements of " + new TreeSet<>(announcing.keySet()) + " to come back as claims");
        }
        List<String> waiting = context.table.waitingClaims().stream().filter(claim -> claim.mayRetryOpen(now))
                .map(TrackedFile::identity).sorted().toList();
        if (!waiting.isEmpty()) {
            reasons.add("the claims of " + waiting + " to be opened");
        }
        return reasons;
    }

    /** Forgets paths that are gone, and announcements of partitions another instance owns. */
    void prune() {
        if (listed.keySet().removeIf(path -> !Files.exists(path, LinkOption.NOFOLLOW_LINKS))) {
            listedView = Map.copyOf(listed);
        }
        announcing.values().removeIf(partition -> !owned.contains(partition));
    }

    /**
     * Opens a claim, once its path holds no other file being read: checks the file again, identifies it, and
     * resumes it after its checkpoint when that matches.
     */
    private void tryOpen(TrackedFile file) {
        long now = context.clock.nanoTime();
        if (context.stopping || context.table.atPath(file.identity()) != null || !file.mayRetryOpen(now)) {
            return;
        }
        if (file.isObject()) {
            openObject(file, now);
            return;
        }
        ClaimCheck.Verdict verdict = context.check.checkFile(file.location());
        if (verdict instanceof ClaimCheck.Refused refused) {
            LOG.warn("Did not open {}: {}. Nothing was read or moved", file.identity(), refused.reason());
        }
        if (!(verdict instanceof ClaimCheck.Accepted)) {
            drop(file);
            return;
        }
        Content content;
        Object key;
        try {
            content = LocalFileContent.open(file.location(), openOptions());
            key = keyOf(file.location(), linkOptions());
        } catch (IOException e) {
            if (file.neverFailedToOpen()) {
                context.stats.fileNotOpened(file.source().type(), file.source().label());
            }
            LOG.error("Could not start {}: {}. The file was left in place; it is tried again in a minute (a once run "
                    + "ends without it, with status 1)", file.identity(), e instanceof AccessDeniedException
                    ? "permission denied; give the application read access to the file"
                    : LifecycleContext.describe(e));
            file.retryOpenAt(now + RETRY_OPEN_NANOS);
            return;
        }
        try {
            if (tooShortToTell(file, content, now)) {
                content.close();
                return;
            }
            ContentFormat format = ContentCheck.formatOf(content);
            file.opened(content, key, ContentHead.of(content), format);
            context.table.opened(file);
            context.quiet(file, context.observe(file));
            resume(file);
            file.on(FileEvent.OPENED, context.effects);
            if (file.readableNow()) {
                context.table.queueForReading(file);
            }
        } catch (IOException e) {
            String why = e instanceof ContentCheck.NotTextException ? e.getMessage() : LifecycleContext.describe(e);
            file.opened(content, key, null, ContentFormat.PLAIN);
            context.table.opened(file);
            file.account().readFailed(why);
            file.on(FileEvent.OPEN_FAILED, context.effects);
            LOG.error("Reading {} failed after line 0: {}", file.identity(), why);
        }
    }

    /**
     * Opens an object: no request until its first bytes are read for its format (the lifecycle's thread waits for that
     * one GET), none at all when its checkpoint says it was ingested completely (every run lists every object again,
     * and the files topic may still hold an earlier run's announcement of it). An object replaced since it was
     * announced is dropped: the listing announces the new one.
     */
    private void openObject(TrackedFile file, long now) {
        Content content = context.check.bucket().orElseThrow().opener().apply(file.object());
        try {
            ContentFormat format = ingestedBefore(file, content);
            if (format == null) {
                format = ContentCheck.formatOf(content);
                // its stream is let go until a reader comes: every claim waiting for one would hold a connection
                content.close();
            }
            file.opened(content, file.object().eTag(), null, format);
            context.table.opened(file);
            context.quiet(file, context.observe(file));
            resume(file);
            file.on(FileEvent.OPENED, context.effects);
            if (file.readableNow()) {
                context.table.queueForReading(file);
            }
        } catch (ObjectReplacedException e) {
            // as a file moved away since its announcement: an earlier listing's announcement, replayed
            closeQuietly(content);
            LOG.debug("Did not open {}: it was replaced since it was announced (its ETag is no longer {}); the "
                    + "listing announces the new object", file.identity(), file.object().eTag());
            drop(file);
        } catch (ContentCheck.NotTextException e) {
            file.opened(content, file.object().eTag(), null, ContentFormat.PLAIN);
            context.table.opened(file);
            file.account().readFailed(e.getMessage());
            file.on(FileEvent.OPEN_FAILED, context.effects);
            LOG.error("Reading {} failed after line 0: {}", file.identity(), e.getMessage());
        } catch (IOException e) {
            closeQuietly(content);
            if (S3ObjectContent.notFound(e)) {
                LOG.debug("Did not open {}: it is no longer in its bucket", file.identity());
                drop(file);
                return;
            }
            if (file.neverFailedToOpen()) {
                context.stats.fileNotOpened(file.source().type(), file.source().label());
            }
            LOG.error("Could not start {}: {}. The object was left in place; it is tried again in a minute (a once "
                    + "run ends without it, with status 1)", file.identity(), LifecycleContext.describe(e));
            file.retryOpenAt(now + RETRY_OPEN_NANOS);
        }
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

    /**
     * True while the file is shorter than a format's magic number and still changing: a compressor's output file is
     * created empty, and its first bytes say what it is. It stays claimed until it has them, or until it is quiet (a
     * short plain file). The size is taken before the first bytes are sampled: a file only grows, so the sample then
     * holds at least as many bytes.
     */
    private boolean tooShortToTell(TrackedFile file, Content content, long now) throws IOException {
        long size = content.size();
        return size < ContentFormat.MAGIC_BYTES && file.unchangedFor(new FileObservation(size, true, -1), now,
                context.clock.wallMillis()) < context.quietNanos;
    }

    private void resume(TrackedFile file) throws IOException {
        long size = file.content().size();
        if (file.startsAfresh()) {
            LOG.info("Reading {} ({} bytes) again from its start", file.identity(), size);
            return;
        }
        Checkpoint checkpoint = context.checkpoints.find(file.identity()).orElse(null);
        if (checkpoint == null) {
            context.checkpoints.whyNotUsed(file.identity()).ifPresentOrElse(why -> LOG.warn("Reading {} ({} bytes) "
                    + "from its start: the checkpoint topic has a checkpoint under this path, not used here: {}",
                    file.identity(), size, why), () -> LOG.info("Reading {} ({} bytes)", file.identity(), size));
            return;
        }
        String mismatch = FileIdentity.mismatch(checkpoint, file.identity(), file.content(),
                file.format().label()).orElse(null);
        if (mismatch == null) {
            file.account().resumeFrom(checkpoint);
            if (!checkpoint.done() && checkpoint.compressed()) {
                LOG.info("Resuming {} after line {} (byte {} of its decompressed content; the {} file is decompressed "
                        + "from its start up to there): the lines before were acknowledged before the last stop or "
                        + "hand-over", file.identity(), checkpoint.line(), checkpoint.offset(), checkpoint.format());
            } else if (!checkpoint.done()) {
                LOG.info("Resuming {} after line {} (byte {} of {}): the lines before were acknowledged before the "
                        + "last stop or hand-over", file.identity(), checkpoint.line(), checkpoint.offset(), size);
            } else if (!checkpoint.compressed() && size > checkpoint.offset()) {
                LOG.info("Resuming {} after line {}: it was ingested completely before and has grown since",
                        file.identity(), checkpoint.line());
            }
        } else if (checkpoint.done()) {
            LOG.info("Reading {} ({} bytes): a file of this name was ingested before, and this one is another ({})",
                    file.identity(), size, mismatch);
        } else {
            LOG.warn("Reading {} ({} bytes) from its start: its checkpoint (line {}, byte {}) is not used, since {}",
                    file.identity(), size, checkpoint.line(), checkpoint.offset(), mismatch);
        }
    }

    private void drop(TrackedFile claim) {
        claim.on(FileEvent.DROPPED, context.effects);
        context.forget(claim);
    }

    private OpenOption[] openOptions() {
        return context.check.followsLinks() ? new OpenOption[] {StandardOpenOption.READ}
                : new OpenOption[] {StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS};
    }

    private LinkOption[] linkOptions() {
        return context.check.followsLinks() ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
    }

    private static Object keyOf(Path path, LinkOption... options) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, options).fileKey();
        } catch (IOException gone) {
            return null;
        }
    }
}
