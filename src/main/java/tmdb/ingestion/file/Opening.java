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

    /** The claim's content is open and its format known: it is read from its checkpoint, or its start. */
    void opened(TrackedFile file, Content content, Object key, ContentHead head, ContentFormat format)
            throws IOException {
        file.opened(content, key, head, format);
        context.table.opened(file);
        context.quiet(file, context.observe(file));
        resume(file);
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
}
