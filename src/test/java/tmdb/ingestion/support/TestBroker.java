package tmdb.ingestion.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import tmdb.ingestion.broker.EmbeddedKafkaBroker;

/** One real KRaft broker for all integration tests of this JVM, on a free port, stopped when the JVM exits. */
public final class TestBroker {

    private static EmbeddedKafkaBroker broker;

    private TestBroker() {
    }

    public static synchronized String bootstrapServers() {
        if (broker == null) {
            try {
                Path dir = Files.createTempDirectory("tmdb-it-kafka");
                broker = new EmbeddedKafkaBroker(dir, 0, 3).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        }
        return broker.bootstrapServers();
    }
}
