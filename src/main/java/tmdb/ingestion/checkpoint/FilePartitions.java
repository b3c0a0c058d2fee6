package tmdb.ingestion.checkpoint;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Utils;

/**
 * Which partition of the files topic a file belongs to, by its path under the data folder: the unit of work an
 * instance owns in the group. Its checkpoints go to the checkpoint topic's partition of the same number (modulo
 * that topic's partitions), so the owner of a files partition reads just those. The count is the files topic's,
 * learnt at start.
 */
public final class FilePartitions {

    private volatile int count = 1;

    /** The files partition of a file: Kafka's own hash of the key, as the default partitioner computes it. */
    public static int of(String file, int partitions) {
        return Utils.toPositive(Utils.murmur2(file.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    public int of(String file) {
        return of(file, count);
    }

    public int count() {
        return count;
    }

    /** The files topic's partition count, once it is known. */
    public void count(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic has at least one partition, not " + partitions);
        }
        count = partitions;
    }
}
