package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Recognises files that are not UTF-8 text at all, from their first bytes, so that they fail as a whole instead
 * of dead-lettering every line: UTF-16 (by its byte-order mark), gzip and zip archives, and binary content (NUL
 * bytes, which UTF-8 text never holds).
 */
public final class TextFileCheck {

    private static final int SAMPLE = 4096;

    private TextFileCheck() {
    }

    /** A file that is not UTF-8 text; the message says what it is and what to do. */
    public static final class NotTextException extends IOException {
        NotTextException(String message) {
            super(message);
        }
    }

    /** Throws when the file is clearly not UTF-8 text. */
    public static void requireUtf8Text(FileChannel file) throws IOException {
        String why = whyNotUtf8Text(file);
        if (why != null) {
            throw new NotTextException("not UTF-8 text: " + why);
        }
    }

    private static String whyNotUtf8Text(FileChannel file) throws IOException {
        ByteBuffer sample = ByteBuffer.allocate(SAMPLE);
        while (sample.hasRemaining() && file.read(sample, sample.position()) > 0) {
            continue;
        }
        byte[] head = Arrays.copyOf(sample.array(), sample.position());
        if (startsWith(head, 0xFF, 0xFE) || startsWith(head, 0xFE, 0xFF)) {
            return "it is UTF-16 text (byte-order mark " + String.format("%02X %02X", head[0], head[1])
                    + "); convert it to UTF-8, e.g. with iconv -f UTF-16 -t UTF-8";
        }
        if (startsWith(head, 0x1F, 0x8B)) {
            return "it is a gzip archive; decompress it first (gunzip)";
        }
        if (startsWith(head, 0x50, 0x4B, 0x03, 0x04)) {
            return "it is a zip archive; extract it first (unzip)";
        }
        for (int i = 0; i < head.length; i++) {
            if (head[i] == 0) {
                return "it holds binary content (a NUL byte at offset " + i + "), not UTF-8 text";
            }
        }
        return null;
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
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
