package tmdb.ingestion.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What makes a file the same file across restarts: its path under the data folder, its size, and a SHA-256 of
 * its size, first 64 KiB and last 64 KiB. A file replaced under the same name by other content is a new file
 * (unless the new content has the same size and the same first and last 64 KiB: hashing whole files of several
 * GB at every start would double the reading).
 */
public record FileIdentity(String path, long size, String fingerprint) {

    private static final int SAMPLE_BYTES = 64 * 1024;

    public static FileIdentity of(String path, Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            MessageDigest digest = sha256();
            digest.update(ByteBuffer.allocate(Long.BYTES).putLong(size).flip());
            sample(channel, 0, Math.min(SAMPLE_BYTES, size), digest);
            long tailStart = Math.max(SAMPLE_BYTES, size - SAMPLE_BYTES);
            sample(channel, tailStart, size - tailStart, digest);
            return new FileIdentity(path, size, HexFormat.of().formatHex(digest.digest(), 0, 16));
        }
    }

    private static void sample(FileChannel channel, long from, long length, MessageDigest digest) throws IOException {
        if (length <= 0) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) length);
        long position = from;
        while (buffer.hasRemaining() && channel.read(buffer, position) > 0) {
            position = from + buffer.position();
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
