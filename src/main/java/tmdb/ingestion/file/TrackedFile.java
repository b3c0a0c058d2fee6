package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import tmdb.ingestion.content.Content;
import tmdb.ingestion.content.StoredObject;

/**
 * One file, from its claim until its lifecycle ends here: its state, where it is, its opened content, its account and
 * what the lifecycle observed of it. Only the lifecycle's thread touches it (there are no locks); the rest of the
 * pipeline knows the file by its immutable {@link SourceFile}. Every change of state goes through {@link #on}, which
 * checks it against {@link FileTransitions} and tells the {@link TransitionEffects}.
 * <p>
 * The file is read through one {@link tmdb.ingestion.content.Content}, opened when it was picked up and kept until its
 * lifecycle ends, so that what is read, counted and fingerprinted is the file that was picked up even if its path is
 * replaced or it is moved.
 */
final class TrackedFile {

    private final SourceFile source;
    private final Claim claim;
    private final Path folder;
    private final StoredObject object;
    private final FileAccount account = new FileAccount();
    private final Quietness quietness = new Quietness();
    private FileState state = FileState.CLAIMED;
    private Path location;
    private Content content;
    private Object fileKey;
    private ContentHead head;
    private boolean claimedAgain;
    private boolean readOnAwayFromItsPath;
    private AtomicBoolean readCancelled;
    private boolean readerActive;
    private PendingAnswer pending = PendingAnswer.NONE;
    private long quietSize = -1;
    private long movedAtNanos;
    private boolean moved;
    private boolean movedBack;
    private boolean handedOverCheckpoint;
    private long retryOpenAtNanos = Long.MIN_VALUE;
    private boolean completed;
    private boolean startsAfresh;

    TrackedFile(SourceFile source, Claim claim, Path location) {
        this.source = source;
        this.claim = claim;
        this.location = location;
        this.folder = location.getParent();
        this.object = null;
    }

    /** An object of the bucket: it never changes (one replaced under its key is another object), and is not moved. */
    TrackedFile(SourceFile source, Claim claim, StoredObject object) {
        this.source = source;
        this.claim = claim;
        this.object = object;
        this.location = null;
        this.folder = null;
    }

    /** True for an object of the bucket rather than a file in a folder. */
    boolean isObject() {
        return object != null;
    }

    /** The object it is, when it is one. */
    StoredObject object() {
        return object;
    }

    SourceFile source() {
        return source;
    }

    String identity() {
        return source.identity();
    }

    Claim claim() {
        return claim;
    }

    FileState state() {
        return state;
    }

    /** Moves the file on by the event: the only place its state changes. */
    void on(FileEvent event, TransitionEffects effects) {
        FileState from = state;
        state = FileTransitions.next(from, event);
        effects.transitioned(this, from, event, state);
    }

    FileAccount account() {
        return account;
    }

    /** The watched folder it was claimed in (null for an object). */
    Path folder() {
        return folder;
    }

    /** Where it is now: in its folder, or in {@code .done/} once moved (or back in its folder); null for an object. */
    Path location() {
        return location;
    }

    void location(Path now) {
        location = now;
    }

    void opened(Content openContent, Object key, ContentHead firstBytes, ContentFormat contentFormat) {
        content = openContent;
        fileKey = key;
        head = firstBytes;
        account.format(contentFormat);
    }

    /** How its lines are stored: a compressed file is read once it is quiet, whole. */
    ContentFormat format() {
        return account.format();
    }

    /**
     * A later announcement of its path came in while it was here (a file dropped again under the same name): that
     * announcement must not be tombstoned with this file's.
     */
    boolean claimedAgain() {
        return claimedAgain;
    }

    void claimedAgain(boolean again) {
        claimedAgain = again;
    }

    /**
     * True the first time it is read on while its path no longer holds it (said once in the log, not at every slice).
     */
    boolean firstReadAwayFromItsPath() {
        boolean first = !readOnAwayFromItsPath;
        readOnAwayFromItsPath = true;
        return first;
    }

    /** Whether a reader may be given it now: a compressed file only once it is quiet (it is complete then). */
    boolean readableNow() {
        return !format().compressed() || quietSize >= 0;
    }

    /**
     * True for a plain file read to no more than a magic number's bytes (it was opened empty or nearly) that now
     * starts as a compressed file does: compressed data was written into it since.
     */
    boolean turnedCompressed(long size) throws IOException {
        return !format().compressed() && account.bytesAdmitted() < ContentFormat.MAGIC_BYTES
                && size >= ContentFormat.MAGIC_BYTES && ContentFormat.of(content).compressed();
    }

    Content content() {
        return content;
    }

    Object fileKey() {
        return fileKey;
    }

    ContentHead head() {
        return head;
    }

    /** Whether a reader holds a grant of it (its end has not been told yet). */
    boolean readerActive() {
        return readerActive;
    }

    /** A reader is given the file; setting the flag stops it. */
    void readerGiven(AtomicBoolean cancelled) {
        readerActive = true;
        readCancelled = cancelled;
    }

    void readerDone() {
        readerActive = false;
    }

    /** Asks its reader, if any, to stop at its next line. */
    void cancelReader() {
        if (readCancelled != null) {
            readCancelled.set(true);
        }
    }

    /** What it waits for from outside the lifecycle's thread, if anything. */
    PendingAnswer pending() {
        return pending;
    }

    /** It asked, and waits for the answer; {@link PendingAnswer#NONE} once the answer came. */
    void pending(PendingAnswer now) {
        pending = now;
    }

    /** Takes an observation of the file; answers how long it has been unchanged. */
    long unchangedFor(FileObservation observation, long nowNanos, long wallMillis) {
        return quietness.unchangedFor(observation.size(), observation.modifiedMillis(), nowNanos, wallMillis);
    }

    /** The size at which it was last found quiet (-1: it was not): a reader takes an unterminated last line there. */
    long quietSize() {
        return quietSize;
    }

    void quietSize(long size) {
        quietSize = size;
    }

    /** True once it was moved to {@code .done/}: a later settlement does not move it again. */
    boolean moved() {
        return moved;
    }

    void movedTo(Path target, long nowNanos) {
        location = target;
        moved = true;
        movedAtNanos = nowNanos;
    }

    /** It was moved, then put back into its folder (its late lines not all resolved when it was let go). */
    void putBack() {
        movedBack = true;
    }

    boolean wasPutBack() {
        return movedBack;
    }

    /** Its checkpoint for whoever reads it next is saved (or it was put back): its records are not to be committed. */
    void checkpointHandedOver() {
        handedOverCheckpoint = true;
    }

    boolean handedOverCheckpoint() {
        return handedOverCheckpoint;
    }

    long movedAtNanos() {
        return movedAtNanos;
    }

    /**
     * True for the new account of a file whose content was replaced in place: it is read from its start, whatever
     * the checkpoint under its path (the old content's) says.
     */
    boolean startsAfresh() {
        return startsAfresh;
    }

    void startAfresh() {
        startsAfresh = true;
    }

    /** True at its first settlement as done only: a moved file that got late lines settles again. */
    boolean firstCompletion() {
        boolean first = !completed;
        completed = true;
        return first;
    }

    /** A claim whose file could not be opened is tried again when it changes, or after a while. */
    boolean mayRetryOpen(long nowNanos) {
        return nowNanos >= retryOpenAtNanos;
    }

    /** True until the file first failed to open (it is counted once). */
    boolean neverFailedToOpen() {
        return retryOpenAtNanos == Long.MIN_VALUE;
    }

    void retryOpenAt(long nanos) {
        retryOpenAtNanos = nanos;
    }

    /** Closes its content, unless a reader still holds it (then it is closed when the reader says it ended). */
    void closeWhenUnread() throws IOException {
        if (content != null && !readerActive) {
            content.close();
        }
    }

    /** How it stands, for the metrics and the progress line. */
    FilesSnapshot.FileView view() {
        long size;
        try {
            size = content.size();
        } catch (IOException e) {
            size = account.bytesAdmitted();
        }
        // a compressed file's progress inside is its reader's: until it ends, all of it is left
        long bytesLeft = format().compressed() ? (account.hasUnread(size) ? size : 0)
                : Math.max(0, size - account.bytesAdmitted());
        long lines = account.linesAdmitted();
        long bytes = account.bytesAdmitted();
        return new FilesSnapshot.FileView(source, state, bytesLeft,
                lines == 0 || bytes == 0 ? 0 : Math.round(bytesLeft * (double) lines / bytes), account.summary());
    }

    @Override
    public String toString() {
        return source.identity() + " (" + state.name().toLowerCase() + ")";
    }
}
