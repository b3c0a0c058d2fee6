package tmdb.ingestion.file;

import java.util.Arrays;

/**
 * What a chunk of lines did to its file's account, in file order: the lines admitted (sent on as records), each with
 * the byte it starts at, and the last line the chunk held, admitted or passed over (resolved before a restart),
 * with the byte after it, and the file's first bytes as read by then. Built by the reader's thread, taken into the
 * account by the lifecycle.
 */
public final class AdmittedLines {

    private long[] numbers;
    private long[] offsets;
    private int count;
    private long lastLine;
    private long afterLastLine;

    private final byte[] head;

    /** @param head the file's first bytes as the chunk's reader had read them (null when not recorded) */
    public AdmittedLines(int capacity, byte[] head) {
        numbers = new long[Math.max(1, capacity)];
        offsets = new long[numbers.length];
        this.head = head;
    }

    public void admitted(SourceLine line) {
        if (count == numbers.length) {
            numbers = Arrays.copyOf(numbers, count * 2);
            offsets = Arrays.copyOf(offsets, count * 2);
        }
        numbers[count] = line.number();
        offsets[count] = line.offset();
        count++;
        passed(line);
    }

    public void passed(SourceLine line) {
        lastLine = line.number();
        afterLastLine = line.nextOffset();
    }

    public int count() {
        return count;
    }

    public long number(int index) {
        return numbers[index];
    }

    public long offset(int index) {
        return offsets[index];
    }

    /** The last line of the chunk (0 for an empty chunk), and where the line after it starts. */
    public long lastLine() {
        return lastLine;
    }

    public long afterLastLine() {
        return afterLastLine;
    }

    byte[] head() {
        return head;
    }
}
