package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transitions of a file's lifecycle, as data: complete where it must be, and drawn as it is in the README. */
class FileTransitionsTest {

    private static final Pattern EDGE = Pattern.compile("^\\s*([A-Z_]+) --> ([A-Z_]+): ([A-Z_]+)\\b");

    @Test
    void everyStateThatIsNotEndedCanEndAndEndedStatesTakeNothing() {
        for (FileState state : FileState.values()) {
            Map<FileEvent, FileState> events = FileTransitions.table().get(state);
            if (state.ended()) {
                assertThat(events).as("%s is an end", state).isEmpty();
            } else {
                assertThat(events).as("%s has a way out", state).isNotEmpty();
                assertThat(reachesAnEnd(state)).as("%s reaches an end", state).isTrue();
            }
        }
    }

    @Test
    void filesTheApplicationHoldsCanBeLetGoInEveryStateAndClaimsDropped() {
        for (FileState state : FileState.values()) {
            boolean held = !state.ended() && state != FileState.CLAIMED && state != FileState.HANDING_OVER;
            assertThat(FileTransitions.allows(state, FileEvent.RELEASED)).as("%s can be released", state)
                    .isEqualTo(held);
        }
        assertThat(FileTransitions.next(FileState.CLAIMED, FileEvent.DROPPED)).isEqualTo(FileState.DROPPED);
        assertThat(FileTransitions.next(FileState.HANDING_OVER, FileEvent.LET_GO)).isEqualTo(FileState.INTERRUPTED);
    }

    @Test
    void aTransitionTheTableDoesNotListIsABugThatFailsLoudly() {
        assertThatThrownBy(() -> FileTransitions.next(FileState.DONE, FileEvent.GREW))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("DONE").hasMessageContaining("GREW");
    }

    @Test
    void theReadmesLifecycleDiagramDrawsExactlyTheTable() throws IOException {
        Set<List<String>> drawn = new HashSet<>();
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            Matcher edge = EDGE.matcher(line);
            if (edge.find()) {
                drawn.add(List.of(edge.group(1), edge.group(3), edge.group(2)));
            }
        }
        Set<List<String>> table = new HashSet<>();
        FileTransitions.table().forEach((state, events) -> events.forEach((event, next) ->
                table.add(List.of(state.name(), event.name(), next.name()))));
        assertThat(drawn).as("(state, event, next state) in the README's diagram").isEqualTo(table);
    }

    private static boolean reachesAnEnd(FileState from) {
        Set<FileState> seen = EnumSet.of(from);
        List<FileState> frontier = new ArrayList<>(List.of(from));
        while (!frontier.isEmpty()) {
            FileState state = frontier.remove(0);
            if (state.ended()) {
                return true;
            }
            for (FileState next : FileTransitions.table().get(state).values()) {
                if (seen.add(next)) {
                    frontier.add(next);
                }
            }
        }
        return false;
    }
}
