package tmdb.ingestion.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

/** When a preparation of files partitions may end: every partition still wanted ready, decided in one step. */
class PartitionPhasesTest {

    private final PartitionPhases phases = new PartitionPhases();

    @Test
    void aPreparationWhosePartitionsAreAllReadyEndsAndTheyWaitForTheGroup() {
        phases.preparing(Set.of(0, 1));

        PartitionPhases.Ending ending = phases.end(Set.of(0, 1), Set.of(0, 1));

        assertThat(ending.notReady()).isEmpty();
        assertThat(ending.handBack()).isEmpty();
        assertThat(phases.takePrepared()).containsExactly(0, 1);
        assertThat(phases.anyUnderWay()).isFalse();
    }

    @Test
    void aPartitionTakenAwayNeedNotBeReadyAndIsHandedBack() {
        phases.preparing(Set.of(0, 1));
        assertThat(phases.takenAway(1)).as("the preparing thread hands it back").isFalse();

        PartitionPhases.Ending ending = phases.end(Set.of(0, 1), Set.of(0));

        assertThat(ending.notReady()).isEmpty();
        assertThat(ending.handBack()).containsExactly(1);
        assertThat(phases.takePrepared()).containsExactly(0);
    }

    @Test
    void aPartitionTakenAwayAndGivenBackMustBeReadyBeforeThePreparationEnds() {
        phases.preparing(Set.of(0, 1));
        phases.takenAway(1);
        assertThat(phases.preparing(Set.of(1))).as("still being prepared: not prepared twice").isEmpty();

        PartitionPhases.Ending ending = phases.end(Set.of(0, 1), Set.of(0));

        assertThat(ending.notReady()).containsExactly(1);
        assertThat(ending.handBack()).isEmpty();
        assertThat(phases.takePrepared()).as("nothing prepared while one is not ready").isEmpty();
        assertThat(phases.anyUnderWay()).isTrue();
        assertThat(phases.end(Set.of(0, 1), Set.of(0, 1)).notReady())
                .as("read before it went: not ready until it is done again").containsExactly(1);
        assertThat(phases.takeGivenBack(Set.of(0, 1))).containsExactly(1);
        assertThat(phases.takeGivenBack(Set.of(0, 1))).as("once").isEmpty();
        assertThat(phases.end(Set.of(0, 1), Set.of(0, 1)).notReady()).isEmpty();
        assertThat(phases.takePrepared()).containsExactly(0, 1);
    }
}
