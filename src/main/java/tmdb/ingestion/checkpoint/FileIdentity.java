package tmdb.ingestion.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import tmdb.ingestion.content.Content;

/**
 * What makes a file the same file across restarts, as far as it was read: its path under the data folder, and a
 * SHA-256 of the number of bytes covered, the first 64 KiB and the 64 KiB before the end of the covered bytes.
 * Files only grow by appending, so the bytes a checkpoint covers stay the same while the file grows: a file that
 * was read to byte N is recognised after a restart, however much was written since, by the fingerprint of its
 * first N bytes. A file replaced under the same name by other content is a new file (unless the new content starts
 * with the same first and last 64 KiB of the covered bytes: hashing whole files of several GB at every start would
 * double the reading).
 *
 * @param path        the file's path under the data folder
 * @param size        the bytes the fingerprint covers, from the start of the file
 * @param fingerprint the hash, hexadecimal
 */
public record FileIdentity(String path, long size, String fingerprint) {

    private static final int SAMPLE_BYTES = 64 * 1024;
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /**
     * The identity of the file's first {@code coveredBytes} bytes, read by position; of content that names its bytes
     * ({@link Content#version()}, an object's ETag), that name and the bytes covered, with nothing read.
     */
    public static FileIdentity of(String path, Content content, long coveredBytes) throws IOException {
        MessageDigest digest = sha256();
        digest.update(ByteBuffer.allocate(Long.BYTES).putLong(coveredBytes).flip());
        Optional<String> version = content.version();
        if (version.isPresent()) {
            digest.update(version.get().getBytes(StandardCharsets.UTF_8));
        } else {
            sample(content, 0, Math.min(SAMPLE_BYTES, coveredBytes), digest);
            long tailStart = Math.max(SAMPLE_BYTES, coveredBytes - SAMPLE_BYTES);
            sample(content, tailStart, coveredBytes - tailStart, digest);
        }
        return new FileIdentity(path, coveredBytes, HexFormat.of().formatHex(digest.digest(), 0, 16));
    }

    /** True when the checkpoint is of this file: same path, and the same bytes where the checkpoint's fingerprint looked. */
    public static boolean matches(Checkpoint checkpoint, String path, Content content) throws IOException {
        return mismatch(checkpoint, path, content, Checkpoint.PLAIN).isEmpty();
    }

    /**
     * Why the checkpoint is not of this file, if it is not: another path, more bytes than the file has, other bytes
     * where its fingerprint looked, or a resume point that is not the start of a line (every checkpoint resumes at
     * one: after a line ending, at the file's start, just after a byte-order mark, or at the end of the bytes it
     * covers, after a last line that had no line ending).
     */
    public static Optional<String> mismatch(Checkpoint checkpoint, String path, Content content, String format)
            throws IOException {
        if (!checkpoint.file().equals(path)) {
            return Optional.of("it is the checkpoint of " + checkpoint.file());
        }
        if (!checkpoint.format().equals(format)) {
            return Optional.of("it is the checkpoint of a " + checkpoint.format() + " file, and this one is "
                    + format);
        }
        long size = content.size();
        if (checkpoint.size() > size) {
            return Optional.of("it covers " + checkpoint.size() + " bytes and the file has " + size);
        }
        if (checkpoint.compressed() && checkpoint.size() != size) {
            return Optional.of("the compressed file has " + size + " bytes, and " + checkpoint.size()
                    + " when the checkpoint was taken (a compressed file that changed is another file)");
        }
        if (!of(path, content, checkpoint.size()).fingerprint().equals(checkpoint.fingerprint())) {
            return Optional.of("the file's bytes differ from those the checkpoint was taken of");
        }
        if (checkpoint.compressed()) {
            // its resume point lies in the decompressed content: the reader decompresses up to it
            return Optional.empty();
        }
        long offset = checkpoint.offset();
        if (offset > 0 && offset != checkpoint.size() && !(offset == UTF8_BOM.length && startsWithBom(content))
                && byteAt(content, offset - 1) != '\n') {
            return Optional.of("its resume point, byte " + offset + ", is not the start of a line");
        }
        return Optional.empty();
    }

    private static boolean startsWithBom(Content content) throws IOException {
        for (int i = 0; i < UTF8_BOM.length; i++) {
            if (byteAt(content, i) != UTF8_BOM[i]) {
                return false;
            }
        }
        return true;
    }

    private static int byteAt(Content content, long position) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        return content.read(one, position) == 1 ? one.get(0) : -1;
    }

    private static void sample(Content content, long from, long length, MessageDigest digest) throws IOException {
        if (length <= 0) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) length);
        while (buffer.hasRemaining() && content.read(buffer, from + buffer.position()) > 0) {
            continue;
        }
        digest.update(buffer.flip());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
