package tmdb.ingestion.group;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** A partitions' work that records, in the test's list of steps, what is done with it ("take [0, 1]", ...). */
class RecordingWork implements PartitionWork {

    private final List<String> steps;

    RecordingWork(List<String> steps) {
        this.steps = steps;
    }

    @Override
    public void take(Set<Integer> partitions) {
        steps.add("take " + new TreeSet<>(partitions));
    }

    @Override
    public void hand(Set<Integer> partitions) {
        steps.add("hand " + new TreeSet<>(partitions));
    }

    @Override
    public void lose(Set<Integer> partitions) {
        steps.add("lose " + new TreeSet<>(partitions));
    }
}
