package tmdb.ingestion.file;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

import tmdb.ingestion.checkpoint.Checkpoint;
import tmdb.ingestion.content.Content;

/**
 * The lifecycle's leave for one reader to read one file once, from where reading stopped: all a reader needs,
 * immutable, so that it never touches the file's state. At most one grant of a file is out at a time. The reader
 * reads by position through the file's content (no shared position), stops early once {@code cancelled} is set,
 * and answers with events.
 *
 * @param offset        where line {@code linesBefore + 1} starts
 * @param finalSize     the size at which the lifecycle found the file quiet: an unterminated last line ending exactly
 *                      there is final and read; -1 when it was not quiet (such a line may still be being written)
 * @param resumedFrom   the checkpoint the file resumed from, or null: the lines it says were resolved are passed
 * @param head          the file's first bytes as the lifecycle knows them: a reader that finds them changed (the
 *                      file was rewritten in place) stops, and hands over nothing it read of the new content
 * @param cancelled     set by the lifecycle when the reader should stop at its next line
 * @param format        how the lines are stored: a compressed file's offsets are those of its decompressed content,
 *                      and it is given to a reader only once quiet, at {@code finalSize}
 */
public record ReadGrant(SourceFile file, Content content, long offset, long linesBefore, long finalSize,
                        Checkpoint resumedFrom, byte[] head, AtomicBoolean cancelled, ContentFormat format) {

    /**
     * True while the file still starts with the bytes its reader read of its start ({@code headRead}, which go on from
     * those the lifecycle knows; those alone when null) and is at least this long.
     */
    public boolean stillTheContentRead(byte[] headRead, long readUpTo) {
        try {
            if (format.compressed()) {
                // its content is that of the compressed bytes it had when it was found quiet: any change is another
                return content.size() == finalSize && (head == null || ContentHead.matches(content, head, finalSize));
            }
            if (head != null && head.length < ContentFormat.MAGIC_BYTES && headRead != null
                    && ContentFormat.of(headRead).compressed()) {
                // compressed data written into a file opened (nearly) empty: the lifecycle reads it as a new file
                return false;
            }
            return head == null || ContentHead.matches(content, headRead != null ? headRead : head, readUpTo);
        } catch (IOException e) {
            return false;
        }
    }
}
