package tmdb.ingestion.support;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** POSIX signals to test processes: {@code STOP} freezes one as a stalled host would, {@code CONT} thaws it. */
public final class Signals {

    private Signals() {
    }

    public static void send(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -%s %d", signal, pid).isZero();
    }
}
