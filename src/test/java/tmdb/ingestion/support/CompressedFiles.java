package tmdb.ingestion.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;

/**
 * Turns some of a data set's files into compressed ones, as collectors and dumps ship them: gzip of one member,
 * gzip of several members cut anywhere (as {@code cat a.gz b.gz} makes them), zstd with a long window
 * ({@code zstd --long=27}), and one gzip file cut short (a transfer that broke off). Reads them back as an
 * independent decompressor does ({@code java.util.zip}, zstd-jni's stream).
 */
public final class CompressedFiles {

    /** The long window of the zstd files: {@code zstd --long=27}. */
    public static final int ZSTD_WINDOW_LOG = 27;

    private CompressedFiles() {
    }

    /** What was made of the data set's files. */
    public record Made(List<Path> gzip, List<Path> gzipMembers, List<Path> zstd, Path truncated, List<Path> plain) {
    }

    /**
     * Of the {@code .jsonl} files under the data folder, in name order, every fifth from the first becomes gzip, from
     * the second gzip of three members, from the third zstd; the last one becomes a gzip file cut at
     * {@code keptShare} of its compressed bytes; the rest stay plain.
     */
    public static Made compress(Path data, double keptShare) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(data)) {
            files = walk.filter(path -> path.toString().endsWith(".jsonl")).sorted().toList();
        }
        List<Path> gzip = new ArrayList<>();
        List<Path> members = new ArrayList<>();
        List<Path> zstd = new ArrayList<>();
        List<Path> plain = new ArrayList<>();
        Path truncated = null;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            byte[] content = Files.readAllBytes(file);
            if (i == files.size() - 1) {
                byte[] whole = gzip(content);
                truncated = replace(file, ".jsonl.gz", Arrays.copyOf(whole, (int) (whole.length * keptShare)));
            } else if (i % 5 == 0) {
                gzip.add(replace(file, ".jsonl.gz", gzip(content)));
            } else if (i % 5 == 1) {
                ByteArrayOutputStream parts = new ByteArrayOutputStream();
                int third = content.length / 3;
                parts.writeBytes(gzip(Arrays.copyOfRange(content, 0, third + 7)));
                parts.writeBytes(gzip(Arrays.copyOfRange(content, third + 7, 2 * third)));
                parts.writeBytes(gzip(Arrays.copyOfRange(content, 2 * third, content.length)));
                members.add(replace(file, ".jsonl.gz", parts.toByteArray()));
            } else if (i % 5 == 2) {
                zstd.add(replace(file, ".jsonl.zst", zstd(content)));
            } else {
                plain.add(file);
            }
        }
        return new Made(gzip, members, zstd, truncated, plain);
    }

    /** A data file's content as an independent decompressor gives it, and whether it broke off before the end. */
    private record Content(byte[] bytes, boolean cutShort) {
    }

    private static Content content(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (!name.endsWith(".gz") && !name.endsWith(".zst")) {
            return new Content(Files.readAllBytes(file), false);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = name.endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(file))
                : new ZstdInputStreamNoFinalizer(Files.newInputStream(file)).setLongMax(31)) {
            byte[] buffer = new byte[8192];
            for (int read; (read = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, read);
            }
        } catch (EOFException cutShort) {
            return new Content(out.toByteArray(), true);
        }
        return new Content(out.toByteArray(), false);
    }

    /**
     * The number of lines of a data file that count: those ended by a line ending, and a final one without, unless
     * the file breaks off there (a compressed file cut short: that line is not whole).
     */
    public static long lines(Path file) throws IOException {
        Content content = content(file);
        byte[] bytes = content.bytes();
        long lines = 0;
        for (byte b : bytes) {
            if (b == '\n') {
                lines++;
            }
        }
        return !content.cutShort() && bytes.length > 0 && bytes[bytes.length - 1] != '\n' ? lines + 1 : lines;
    }

    private static Path replace(Path file, String suffix, byte[] bytes) throws IOException {
        String name = file.getFileName().toString();
        Path target = file.resolveSibling(name.substring(0, name.length() - ".jsonl".length()) + suffix);
        Files.write(target, bytes);
        Files.delete(file);
        return target;
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    private static byte[] zstd(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZstdOutputStreamNoFinalizer out = new ZstdOutputStreamNoFinalizer(bytes)) {
            out.setLong(ZSTD_WINDOW_LOG);
            out.write(content);
        }
        return bytes.toByteArray();
    }
}
