package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import tmdb.ingestion.content.Content;

/**
 * The content of a gzip file (RFC 1952) of one member or several (as {@code cat a.gz b.gz} or parallel compressors
 * write them), each checked against its CRC-32 and length. Built on {@link Inflater} rather than
 * {@code GZIPInputStream}, which skips whatever follows a member when it is not another member and relies on
 * {@code available()} to find the next one: here anything after a member that is not one is damage, reported with its
 * exact compressed byte offset, as is data cut short.
 */
final class GzipSource extends DecompressedSource {

    private static final int INPUT_BYTES = 1 << 16;
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final byte[] input = new byte[INPUT_BYTES];
    /** Where in the file {@code input[0]} lies. */
    private long inputStart;
    private int inputPosition;
    private int inputLimit;
    private boolean inMember;
    private boolean ended;
    private int members;
    private long memberBytes;

    GzipSource(Content content) {
        super(content);
    }

    @Override
    int produce(byte[] out, int offset, int length) throws IOException {
        while (!ended) {
            if (!inMember && !nextMember()) {
                ended = true;
                break;
            }
            if (inflater.needsInput()) {
                if (inputPosition == inputLimit && !fill()) {
                    throw damaged("the data ends inside member " + members + " (the file is cut short)");
                }
                inflater.setInput(input, inputPosition, inputLimit - inputPosition);
            }
            int inflated;
            try {
                inflated = inflater.inflate(out, offset, length);
            } catch (DataFormatException e) {
                inputPosition = inputLimit - inflater.getRemaining();
                throw damaged("member " + members + " is damaged (" + e.getMessage() + ")");
            }
            inputPosition = inputLimit - inflater.getRemaining();
            crc.update(out, offset, inflated);
            memberBytes += inflated;
            if (inflater.finished()) {
                endMember();
            } else if (inflater.needsDictionary()) {
                throw damaged("member " + members + " asks for a preset dictionary, which gzip does not have");
            }
            if (inflated > 0 || length == 0) {
                return inflated;
            }
        }
        return -1;
    }

    @Override
    void restart() {
        inflater.reset();
        inputStart = 0;
        inputPosition = 0;
        inputLimit = 0;
        inMember = false;
        ended = false;
        members = 0;
    }

    @Override
    public long fileBytesRead() {
        return inputStart + inputPosition;
    }

    @Override
    public void close() {
        inflater.end();
    }

    /** Reads the next member's header; false at the end of the file, right after a member. */
    private boolean nextMember() throws IOException {
        long start = fileBytesRead();
        int first = nextByte();
        if (first < 0 && members > 0) {
            return false;
        }
        if (first != 0x1F || nextByte() != 0x8B) {
            throw damaged(start, members == 0 ? "it does not start with a gzip header"
                    : "the bytes after member " + members + " are not another gzip member");
        }
        if (nextByte() != 8) {
            throw damaged("member " + (members + 1) + " uses a compression method other than deflate");
        }
        int flags = required();
        for (int i = 0; i < 6; i++) {
            required();
        }
        if ((flags & FEXTRA) != 0) {
            int extra = required() | required() << 8;
            for (int i = 0; i < extra; i++) {
                required();
            }
        }
        if ((flags & FNAME) != 0) {
            skipZeroTerminated();
        }
        if ((flags & FCOMMENT) != 0) {
            skipZeroTerminated();
        }
        if ((flags & FHCRC) != 0) {
            required();
            required();
        }
        members++;
        inMember = true;
        crc.reset();
        memberBytes = 0;
        return true;
    }

    private void endMember() throws IOException {
        long expectedCrc = readInt();
        long expectedLength = readInt();
        if (expectedCrc != crc.getValue()) {
            throw damaged("member " + members + " fails its CRC check");
        }
        if (expectedLength != (memberBytes & 0xFFFF_FFFFL)) {
            throw damaged("member " + members + " decompressed to another length than its trailer says");
        }
        inflater.reset();
        inMember = false;
    }

    private long readInt() throws IOException {
        return required() | (long) required() << 8 | (long) required() << 16 | (long) required() << 24;
    }

    private void skipZeroTerminated() throws IOException {
        while (required() != 0) {
            continue;
        }
    }

    private int required() throws IOException {
        int value = nextByte();
        if (value < 0) {
            throw damaged("the data ends inside the header or trailer of member " + Math.max(members, 1)
                    + " (the file is cut short)");
        }
        return value;
    }

    private int nextByte() throws IOException {
        if (inputPosition == inputLimit && !fill()) {
            return -1;
        }
        return input[inputPosition++] & 0xFF;
    }

    private boolean fill() throws IOException {
        inputStart += inputLimit;
        inputPosition = 0;
        inputLimit = 0;
        ByteBuffer target = ByteBuffer.wrap(input);
        int read = content.read(target, inputStart);
        inputLimit = Math.max(read, 0);
        return inputLimit > 0;
    }

    private DamagedContentException damaged(String what) {
        return damaged(fileBytesRead(), what);
    }

    private static DamagedContentException damaged(long at, String what) {
        return new DamagedContentException("the gzip data is damaged at compressed byte " + at + ": " + what);
    }
}
