package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import tmdb.ingestion.content.Content;

/**
 * How a file's lines are stored: as they are, or compressed. Decided by the file's first bytes (its magic number),
 * never by its name alone: a gzip file named {@code .jsonl} is read as gzip, and a plain file named {@code .gz} as
 * plain text.
 */
public enum ContentFormat {
    PLAIN("plain"),
    GZIP("gzip"),
    ZSTD("zstd");

    private final String label;

    ContentFormat(String label) {
        this.label = label;
    }

    /** The name checkpoints and messages use. */
    public String label() {
        return label;
    }

    public boolean compressed() {
        return this != PLAIN;
    }

    /** The bytes a format's magic number takes at most: a file shorter than this may still become any format. */
    static final int MAGIC_BYTES = 4;

    /** The format the file's first bytes say now. */
    static ContentFormat of(Content content) throws IOException {
        return of(PLAIN.head(content, MAGIC_BYTES));
    }

    /** The format the first bytes say (plain unless they carry a compressed format's magic number). */
    static ContentFormat of(byte[] head) {
        if (startsWith(head, 0x1F, 0x8B)) {
            return GZIP;
        }
        if (startsWith(head, 0x28, 0xB5, 0x2F, 0xFD) || isSkippableZstdFrame(head)) {
            return ZSTD;
        }
        return PLAIN;
    }

    /** The source its content is read from: the file itself, or a decompressor over it. */
    ContentSource open(Content content) {
        return switch (this) {
            case PLAIN -> new PlainSource(content);
            case GZIP -> new GzipSource(content);
            case ZSTD -> new ZstdSource(content);
        };
    }

    /** The first bytes of the content (decompressed), at most {@code length}: a plain file's are its own. */
    byte[] head(Content content, int length) throws IOException {
        try (ContentSource source = open(content)) {
            ByteBuffer target = ByteBuffer.allocate(length);
            while (target.hasRemaining() && source.read(target, target.position()) > 0) {
                continue;
            }
            return Arrays.copyOf(target.array(), target.position());
        }
    }

    /** A zstd skippable frame (magic 0x184D2A50 to 0x184D2A5F), as pzstd starts its output with. */
    private static boolean isSkippableZstdFrame(byte[] head) {
        return head.length >= 4 && (head[0] & 0xF0) == 0x50 && (head[1] & 0xFF) == 0x2A && (head[2] & 0xFF) == 0x4D
                && (head[3] & 0xFF) == 0x18;
    }

    static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
