package tmdb.ingestion.file;

import java.io.IOException;

import tmdb.ingestion.content.Content;

/**
 * Decides from a file's first bytes how its lines are stored ({@link ContentFormat}), and refuses, as a whole, a file
 * that is clearly not JSON lines: UTF-16 text, a known binary format (zip, Parquet, PNG, ...), or content that is
 * mostly control bytes. Anything else is read line by line, and a line that is not a record (one holding a NUL byte,
 * say) is dead-lettered alone. A compressed file's decompressed first bytes are checked the same way.
 */
public final class ContentCheck {

    private static final int SAMPLE = 4096;
    /** Text has few control bytes besides tabs and line endings; more than this share of the sample is not text. */
    private static final double MOSTLY_BINARY = 0.10;

    private ContentCheck() {
    }

    /** A file that is not JSON lines; the message says what it is and what to do. */
    public static final class NotTextException extends IOException {
        NotTextException(String message) {
            super(message);
        }
    }

    private record Magic(String what, int... bytes) {
    }

    private static final Magic[] BINARY = {
        new Magic("a zip archive; extract it first (unzip)", 0x50, 0x4B, 0x03, 0x04),
        new Magic("a Parquet file", 0x50, 0x41, 0x52, 0x31),
        new Magic("a PNG image", 0x89, 0x50, 0x4E, 0x47),
        new Magic("a JPEG image", 0xFF, 0xD8, 0xFF),
        new Magic("a PDF document", 0x25, 0x50, 0x44, 0x46, 0x2D),
        new Magic("a bzip2 archive; decompress it first (bunzip2), or recompress it with gzip or zstd",
                0x42, 0x5A, 0x68),
        new Magic("an xz archive; decompress it first (unxz), or recompress it with gzip or zstd",
                0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00),
        new Magic("a 7-Zip archive; extract it first", 0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C),
        new Magic("an executable (ELF)", 0x7F, 0x45, 0x4C, 0x46),
    };

    /** The file's format; throws when it is clearly not JSON lines. */
    public static ContentFormat formatOf(Content file) throws IOException {
        byte[] head = ContentFormat.PLAIN.head(file, SAMPLE);
        ContentFormat format = ContentFormat.of(head);
        if (!format.compressed()) {
            refuseIfNotText(head, "");
            return format;
        }
        byte[] content;
        try {
            content = format.head(file, SAMPLE);
        } catch (DamagedContentException damaged) {
            // its reader fails at the damage, after the lines before it: those are not lost
            return format;
        }
        if (ContentFormat.of(content).compressed()) {
            throw new NotTextException("not JSON lines: it is " + ContentFormat.of(content).label() + " inside "
                    + format.label() + "; decompress it once");
        }
        refuseIfNotText(content, " (decompressed from " + format.label() + ")");
        return format;
    }

    private static void refuseIfNotText(byte[] head, String decompressed) throws NotTextException {
        String why = whyNotText(head);
        if (why != null) {
            throw new NotTextException("not JSON lines" + decompressed + ": " + why);
        }
    }

    private static String whyNotText(byte[] head) {
        if (ContentFormat.startsWith(head, 0xFF, 0xFE) || ContentFormat.startsWith(head, 0xFE, 0xFF)) {
            return "it is UTF-16 text (byte-order mark " + String.format("%02X %02X", head[0], head[1])
                    + "); convert it to UTF-8, e.g. with iconv -f UTF-16 -t UTF-8";
        }
        for (Magic magic : BINARY) {
            if (ContentFormat.startsWith(head, magic.bytes())) {
                return "it is " + magic.what();
            }
        }
        int control = 0;
        for (byte b : head) {
            if ((b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f') || b == 0x7F) {
                control++;
            }
        }
        if (head.length > 0 && control > head.length * MOSTLY_BINARY) {
            return "it is mostly binary (" + control + " of its first " + head.length + " bytes are control bytes)";
        }
        return null;
    }

}
