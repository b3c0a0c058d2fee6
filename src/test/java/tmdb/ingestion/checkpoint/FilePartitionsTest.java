package tmdb.ingestion.checkpoint;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class FilePartitionsTest {

    private static final List<String> FILES = List.of("movie/new/part-00001.jsonl", "tv_series/old/part-00017.jsonl",
            "person/change/é-accentué.jsonl", "a.jsonl", "");

    @Test
    void aFileIsInThePartitionKafkasOwnPartitionerGivesItsPath() {
        for (int partitions : new int[] {1, 3, 6, 7, 64}) {
            for (String file : FILES) {
                assertThat(FilePartitions.of(file, partitions)).as(file + " of " + partitions).isEqualTo(
                        BuiltInPartitioner.partitionForKey(file.getBytes(StandardCharsets.UTF_8), partitions));
            }
        }
    }

    @Test
    void theCountIsTheFilesTopicsOnceKnownAndAtLeastOne() {
        FilePartitions partitions = new FilePartitions();
        assertThat(partitions.of("movie/new/part-00001.jsonl")).as("before the count is known").isZero();
        partitions.count(6);
        assertThat(partitions.of("movie/new/part-00001.jsonl"))
                .isEqualTo(FilePartitions.of("movie/new/part-00001.jsonl", 6));
        assertThatIllegalArgumentException().isThrownBy(() -> partitions.count(0));
    }
}
