package tmdb.ingestion.producer;

import org.junit.jupiter.api.Test;
import tmdb.ingestion.producer.SenderState.Phase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SenderStateTest {

    private final SenderState state = new SenderState(4);

    @Test
    void aStopMakesARunningSenderStoppingAndRetiredOnceOverAndOnlyThen() {
        assertThat(state.running()).isTrue();
        assertThat(state.enter(Phase.RETIRED)).as("retired without a stop").isFalse();

        assertThat(state.enter(Phase.STOPPING)).isTrue();
        assertThat(state.running()).isFalse();
        assertThatCode(state::refuseProducerUnlessAllowed).as("the last commit may start one")
                .doesNotThrowAnyException();
        assertThat(state.mayStartProducer()).isTrue();
        assertThat(state.enter(Phase.RETIRED)).isTrue();

        assertThat(state.mayStartProducer()).isFalse();

        assertThatThrownBy(state::refuseProducerUnlessAllowed).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("files partition 4").hasMessageContaining("stopped");
        assertThat(state.enter(Phase.LOST)).as("nothing follows the end of a stop").isFalse();
        assertThat(state.enter(Phase.FENCED)).isFalse();
        assertThat(state.phase()).isEqualTo(Phase.RETIRED);
    }

    @Test
    void aLostSenderCommitsNothingStartsNoProducerAndIsNotFencedAfterwards() {
        assertThat(state.enter(Phase.LOST)).isTrue();

        assertThat(state.commitsNothing()).isTrue();
        assertThat(state.mayStartProducer()).isFalse();
        assertThatThrownBy(state::refuseProducerUnlessAllowed).hasMessageContaining("given to another instance");
        assertThat(state.enter(Phase.FENCED)).as("the new owner's fencing is expected, not a reason to stop")
                .isFalse();
        assertThat(state.enter(Phase.STOPPING)).isFalse();
        assertThat(state.enter(Phase.RETIRED)).as("the stop of a lost sender leaves it lost").isFalse();
        assertThat(state.phase()).isEqualTo(Phase.LOST);
    }

    @Test
    void aSenderIsFencedOnceWhileRunningOrStopping() {
        assertThat(state.enter(Phase.STOPPING)).isTrue();

        assertThat(state.enter(Phase.FENCED)).isTrue();
        assertThat(state.enter(Phase.FENCED)).as("said once").isFalse();
        assertThat(state.commitsNothing()).isTrue();
        assertThatThrownBy(state::refuseProducerUnlessAllowed).hasMessageContaining("another instance took over");
        assertThat(state.enter(Phase.RUNNING)).isFalse();
    }
}
