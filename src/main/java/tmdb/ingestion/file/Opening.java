package tmdb.ingestion.file;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.checkpoint.FileIdentity;
import tmdb.ingestion.content.Content;

/**
 * A claim whose content is open, a file's or an object's, becomes a file of the table: it holds its path, is observed
 * for the first time, is resumed after its checkpoint when that matches it (from its start otherwise, said in the log
 * either way), and waits for a reader; or, when its first bytes say it cannot be read, it fails at once. Part of the
 * lifecycle: only its thread calls it.
 */
final class Opening {

    private static final Logger LOG = LoggerFactory.getLogger(FileLifecycle.class);

    private final LifecycleContext context;

    Opening(LifecycleContext context) {
        this.context = context;
    }

    /**
     * Where a claim's content resumes: after its checkpoint when that is of this content, from its start otherwise
     * (the checkpoint, why it is not used, or none). Deciding may read a byte of the content (is the resume point a
     * line start?), so an object's is decided off the lifecycle's thread; only the checkpoint store is asked besides.
     */
    record Resume(long size, boolean afresh, Checkpoint checkpoint, String mismatch, String notUsed) {
    }

    /** Where the content resumes; {@code afresh} when it is read from its start whatever its checkpoint says. */
    Resume decide(String identity, Content content, ContentFormat format, boolean afresh) throws IOException {
        long size = content.size();
        if (afresh) {
            return new Resume(size, true, null, null, null);
        }
        Checkpoint checkpoint = context.checkpoints.find(identity).orElse(null);
        if (checkpoint == null) {
            return new Resume(size, false, null, null, context.checkpoints.whyNotUsed(identity).orElse(null));
        }
        return new Resume(size, false, checkpoint, FileIdentity.mismatch(checkpoint, identity, content, format.label())
                .orElse(null), null);
    }

    /** The claim's content is open and its format known: it is read from where {@code resume} says. */
    void opened(TrackedFile file, Content content, Object key, ContentHead head, ContentFormat format, Resume resume)
            throws IOException {
        file.opened(content, key, head, format);
        context.table.opened(file);
        context.quiet(file, context.observe(file));
        resume(file, resume);
        file.on(FileEvent.OPENED, context.effects);
        if (file.readableNow()) {
            context.table.queueForReading(file);
        }
    }

    /** The claim's content is open, and cannot be read (not text, or its first bytes could not be read): it fails. */
    void unreadable(TrackedFile file, Content content, Object key, String why) {
        file.opened(content, key, null, ContentFormat.PLAIN);
        context.table.opened(file);
        file.account().readFailed(why);
        file.on(FileEvent.OPEN_FAILED, context.effects);
        LOG.error("Reading {} failed after line 0: {}", file.identity(), why);
    }

    private void resume(TrackedFile file, Resume resume) {
        long size = resume.size();
        if (resume.afresh()) {
            LOG.info("Reading {} ({} bytes) again from its start", file.identity(), size);
            return;
        }
        Checkpoint checkpoint = resume.checkpoint();
        if (checkpoint == null) {
            if (resume.notUsed() != null) {
                LOG.warn("Reading {} ({} bytes) from its start: the checkpoint topic has a checkpoint under this path, "
                        + "not used here: {}", file.identity(), size, resume.notUsed());
            } else {
                LOG.info("Reading {} ({} bytes)", file.identity(), size);
            }
            return;
        }
        String mismatch = resume.mismatch();
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
}
