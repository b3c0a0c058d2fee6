package tmdb.ingestion.config;

import java.nio.charset.StandardCharsets;

/**
 * The run's seed and the stable pseudo-random draws derived from it. A draw depends only on the seed, a source
 * file's identity and a line number, never on timing or thread order: the same record gets the same mixing key
 * and the same event time in every run with the same seed.
 */
public final class Seed {

    private final long value;

    public Seed(long value) {
        this.value = value;
    }

    public long value() {
        return value;
    }

    /** A well-mixed 64-bit value for the given line of the given file. */
    public long draw(String fileIdentity, long lineNumber, long purpose) {
        return draw(hash(fileIdentity), lineNumber, purpose);
    }

    /** The same draw, with the file's {@link #hash(String)} computed once for all its lines. */
    public long draw(long fileHash, long lineNumber, long purpose) {
        return mix64(value ^ mix64(fileHash + purpose) ^ mix64(lineNumber * 0x9E3779B97F4A7C15L));
    }

    /** A draw mapped uniformly onto {@code [0, bound)}. */
    public long drawBelow(long fileHash, long lineNumber, long purpose, long bound) {
        return Math.floorMod(draw(fileHash, lineNumber, purpose), bound);
    }

    /** The 64-bit FNV-1a hash of a file's identity (its UTF-8 bytes), as the draws use it. */
    public static long hash(String text) {
        long h = 0xCBF29CE484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h ^= b;
            h *= 0x100000001B3L;
        }
        return h;
    }

    /** SplitMix64's finaliser: a bijection that spreads every input bit over the output. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
