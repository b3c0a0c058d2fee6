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
import tmdb.ingestion.content.Content;
import tmdb.ingestion.content.LocalFileContent;

/**
 * Files coming in: the folders' listing asks which files to announce, the group's announcements become claims, and a
 * claim is opened once its path holds no other file being read. Every path is checked ({@link ClaimCheck}) where it
 * comes in, and again right before it is opened; a checkpoint is used only when it matches the file
 * ({@link Opening}). The claims of objects, when a bucket is read, are {@link ObjectClaims}' to check and open.
 * Part of the lifecycle: only its thread calls it.
 */
final class Claims {

    private static final Logger LOG = LoggerFactory.getLogger(FileLifecycle.class);
    /** A file that could not be opened (permission denied) is tried again after this long. */
    static final long RETRY_OPEN_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final LifecycleContext context;
    private final ObjectClaims objects;
    private final Opening opening;
    private final Set<Integer> owned = new HashSet<>();
    /** Paths listed, with the file key (inode) they held: announced, or skipped with a warning. */
    private final Map<Path, Object> listed = new HashMap<>();
    /** Files announced by this instance whose claims have not come back yet, with their partitions. */
    private final Map<String, Integer> announcing = new HashMap<>();
    private volatile Map<Path, Object> listedView = Map.of();

    Claims(LifecycleContext context, ObjectClaims objects, Opening opening) {
        this.context = context;
        this.objects = objects;
        this.opening = opening;
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
                context.drop(waiting);
            }
        }
    }

    /** The application stops: no claim is opened any more. */
    void stop() {
        context.table.waitingClaims().forEach(context::drop);
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
            TrackedFile claimed = objects.claim(claim, where);
            if (claimed != null) {
                tryOpen(claimed);
            }
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

    static void refuse(Claim claim, String where, String reason) {
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
            objects.open(file, now);
            return;
        }
        ClaimCheck.Verdict verdict = context.check.checkFile(file.location());
        if (verdict instanceof ClaimCheck.Refused refused) {
            LOG.warn("Did not open {}: {}. Nothing was read or moved", file.identity(), refused.reason());
        }
        if (!(verdict instanceof ClaimCheck.Accepted)) {
            context.drop(file);
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
            ContentHead head = ContentHead.of(content);
            ContentFormat format = ContentCheck.formatOf(content);
            opening.opened(file, content, key, head, format, opening.decide(file.identity(), content, format,
                    file.startsAfresh()));
        } catch (IOException e) {
            opening.unreadable(file, content, key, e instanceof ContentCheck.NotTextException ? e.getMessage()
                    : LifecycleContext.describe(e));
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
