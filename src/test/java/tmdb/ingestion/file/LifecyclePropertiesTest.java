package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.ActionChainArbitrary;
import net.jqwik.api.state.Transformer;

/**
 * The file lifecycle against a model, in random sequences of what happens to files and to the instance: files written
 * in one go or renamed in, appended to, half lines, {@code cp} over a file (same inode), truncation, modification
 * times in the future and the past, the wall clock stepped, claims repeated and forged (a path outside the data
 * folder, an absolute one, a directory, a link), reads interleaved with everything, readers refused, records
 * published, retried (left in flight) or not delivered, ticks, and the instance stopped, handed over, cut off or
 * killed and replaced. After each step nothing was published that was not written (and, exactly-once, nothing twice),
 * nothing outside the watched folders was read or moved, no file had two readers, and no file moved to {@code .done/}
 * with a line not resolved; after each sequence every line of every file not failed was published.
 */
class LifecyclePropertiesTest {

    private static final Queue<LifecycleHarness> OPEN = new ConcurrentLinkedQueue<>();

    private static Level lifecycleLog;

    /** The lifecycle's log says what it does with every file of every sequence: only its errors are shown here. */
    @BeforeProperty
    void quietLog() {
        lifecycleLog = LogManager.getLogger(FileLifecycle.class).getLevel();
        Configurator.setLevel(FileLifecycle.class.getName(), Level.ERROR);
    }

    @AfterProperty
    void removeFiles() throws Exception {
        Configurator.setLevel(FileLifecycle.class.getName(), lifecycleLog);
        LifecycleHarness harness;
        while ((harness = OPEN.poll()) != null) {
            harness.close();
        }
    }

    @Property(tries = 500)
    void atLeastOnceNoLineIsLostOrInvented(@ForAll("atLeastOnce") ActionChain<LifecycleHarness> chain)
            throws Exception {
        finish(chain);
    }

    @Property(tries = 500)
    void exactlyOnceEveryLineIsPublishedOnce(@ForAll("exactlyOnce") ActionChain<LifecycleHarness> chain)
            throws Exception {
        finish(chain);
    }

    private static void finish(ActionChain<LifecycleHarness> chain) throws Exception {
        LifecycleHarness harness = chain.withInvariant("safety", LifecyclePropertiesTest::safe).run();
        try {
            harness.finishAndCheckEveryLinePublished();
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nafter " + String.join("\n  ", chain.transformations()), e);
        }
    }

    private static void safe(LifecycleHarness harness) {
        try {
            harness.checkSafety();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Provide
    Arbitrary<ActionChain<LifecycleHarness>> atLeastOnce() {
        return chains(false).withAction(4, step("records acknowledged", Arbitraries.integers().between(1, 6),
                        (harness, count) -> harness.resolve(count, false)))
                .withAction(1, step("a record not delivered", Arbitraries.just(1),
                        (harness, count) -> harness.resolve(count, true)));
    }

    @Provide
    Arbitrary<ActionChain<LifecycleHarness>> exactlyOnce() {
        return chains(true).withAction(4, step("a transaction committed", Arbitraries.just(0),
                (harness, ignored) -> harness.commit()));
    }

    private static ActionChainArbitrary<LifecycleHarness> chains(boolean exactlyOnce) {
        return ActionChain.<LifecycleHarness>startWith(() -> {
                    try {
                        LifecycleHarness harness = new LifecycleHarness(exactlyOnce);
                        OPEN.add(harness);
                        return harness;
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                })
                .withAction(2, step("a file written", Combinators.combine(folder(), lineCount()).as(List::of),
                        (harness, spec) -> harness.write((String) spec.get(0), (Integer) spec.get(1))))
                .withAction(2, step("a file renamed in", Combinators.combine(folder(), lineCount()).as(List::of),
                        (harness, spec) -> harness.renameIn((String) spec.get(0), (Integer) spec.get(1))))
                .withAction(3, onFile("lines appended", (harness, file, n) -> harness.append(file, 1 + n % 4)))
                .withAction(1, onFile("a half line written", (harness, file, n) -> {
                    if (!harness.hasHalfLine(file)) {
                        harness.writeHalfLine(file);
                    }
                }))
                .withAction(2, onFile("a half line completed", (harness, file, n) -> {
                    if (harness.mayCompleteHalfLine(file)) {
                        harness.completeHalfLine(file);
                    }
                }))
                .withAction(1, onFile("cp over the file", (harness, file, n) -> harness.rewrite(file, 1 + n % 4)))
                .withAction(1, onFile("the file truncated", (harness, file, n) -> harness.truncate(file, n % 3)))
                .withAction(1, onFile("its modification time set", (harness, file, n) ->
                        harness.setModified(file, Duration.ofMinutes(n % 2 == 0 ? 10 : -10))))
                .withAction(1, new AppendToMoved())
                .withAction(3, step("time passes", Arbitraries.of(100, 400, 1001, 2500),
                        (harness, millis) -> harness.clock.advance(Duration.ofMillis(millis))))
                .withAction(1, step("the wall clock stepped", Arbitraries.of(-3600, 3600),
                        (harness, seconds) -> harness.clock.stepWall(Duration.ofSeconds(seconds))))
                .withAction(3, step("the folders listed", Arbitraries.just(0), (harness, ignored) -> harness.list()))
                .withAction(3, step("the claims delivered", Arbitraries.just(0),
                        (harness, ignored) -> harness.deliverClaims()))
                .withAction(1, step("a claim forged", Arbitraries.integers().between(0, 5),
                        LifecycleHarness::forgedClaim))
                .withAction(4, step("a tick", Arbitraries.just(0), (harness, ignored) -> harness.tick()))
                .withAction(8, step("a reader reads a chunk", Arbitraries.just(0),
                        (harness, ignored) -> harness.readChunk()))
                .withAction(1, step("the reading route refuses or takes grants", Arbitraries.of(true, false),
                        (harness, refuse) -> harness.current.refuseGrants = refuse))
                .withAction(1, step("the instance ends and another takes over", Combinators.combine(
                                Arbitraries.of(LifecycleHarness.Ending.class), Arbitraries.of(true, false)).as(List::of),
                        (harness, how) -> harness.restart((LifecycleHarness.Ending) how.get(0),
                                (Boolean) how.get(1))))
                .withMaxTransformations(50);
    }

    private static Arbitrary<String> folder() {
        return Arbitraries.of(LifecycleHarness.FOLDERS);
    }

    private static Arbitrary<Integer> lineCount() {
        return Arbitraries.integers().between(0, 7);
    }

    private interface Step<T> {
        void apply(LifecycleHarness harness, T value) throws Exception;
    }

    private interface FileStep {
        void apply(LifecycleHarness harness, Path file, int n) throws Exception;
    }

    private static <T> Action.Independent<LifecycleHarness> step(String name, Arbitrary<T> values, Step<T> step) {
        return () -> values.map(value -> Transformer.mutate(name + " (" + value + ")", harness -> {
            try {
                step.apply(harness, value);
            } catch (Exception e) {
                throw new AssertionError(name + " failed", e);
            }
        }));
    }

    /** A step on one of the files in the folders, chosen by index. */
    private static Action.Dependent<LifecycleHarness> onFile(String name, FileStep step) {
        return new Action.Dependent<>() {
            @Override
            public boolean precondition(LifecycleHarness harness) {
                try {
                    return !harness.filesInFolders().isEmpty();
                } catch (IOException e) {
                    return false;
                }
            }

            @Override
            public Arbitrary<Transformer<LifecycleHarness>> transformer(LifecycleHarness harness) {
                return Arbitraries.integers().between(0, 1000).map(n -> Transformer.mutate(name + " (" + n + ")",
                        state -> {
                            try {
                                List<Path> files = state.filesInFolders();
                                if (!files.isEmpty()) {
                                    step.apply(state, files.get(n % files.size()), n);
                                }
                            } catch (Exception e) {
                                throw new AssertionError(name + " failed", e);
                            }
                        }));
            }
        };
    }

    /** A writer that kept a file open appends to it after it was moved to .done/, while it is still watched. */
    private static final class AppendToMoved implements Action.Dependent<LifecycleHarness> {
        @Override
        public boolean precondition(LifecycleHarness harness) {
            return harness.movedFiles().stream().anyMatch(harness::watched);
        }

        @Override
        public Arbitrary<Transformer<LifecycleHarness>> transformer(LifecycleHarness harness) {
            return Arbitraries.integers().between(1, 3).map(n -> Transformer.mutate("late lines (" + n + ")",
                    state -> {
                        try {
                            for (Path moved : state.movedFiles()) {
                                if (state.watched(moved)) {
                                    state.append(moved, n);
                                    return;
                                }
                            }
                        } catch (Exception e) {
                            throw new AssertionError("late lines failed", e);
                        }
                    }));
        }
    }
}
