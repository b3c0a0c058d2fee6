package tmdb.ingestion;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.datagen.TmdbDataGenerator;
import tmdb.ingestion.support.ApplicationProcess;
import tmdb.ingestion.support.BrokerProcess;
import tmdb.ingestion.support.SourceLines;
import tmdb.ingestion.support.TopicReader;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker goes away mid-run for longer than the producer's delivery timeout, comes back: nothing is lost. */
class BrokerOutageIT {

    @TempDir
    Path dir;

    @Test
    void aRunOutlivesABrokerOutageLongerThanTheDeliveryTimeoutAndLosesNothing() throws Exception {
        List<String> types = TmdbDataGenerator.TYPES;
        new TmdbDataGenerator(17).generate(dir.resolve("data"), types, 24_000, 2000);
        Set<String> expected = SourceLines.of(dir.resolve("data"));

        try (BrokerProcess broker = BrokerProcess.create(dir.resolve("broker")).start()) {
            List<String> args = new ArrayList<>(List.of("--kafka.bootstrap-servers=" + broker.bootstrapServers(),
                    "--ingestion.data-dir=" + dir.resolve("data"), "--ingestion.mode=once",
                    "--ingestion.poll.min-file-age-ms=0",
                    "--camel.component.kafka.delivery-timeout-ms=4000",
                    "--camel.component.kafka.request-timeout-ms=1500",
                    "--camel.component.kafka.max-block-ms=2000",
                    "--ingestion.delivery.redelivery-delay-ms=200",
                    "--ingestion.delivery.max-redelivery-delay-ms=1000"));
            try (ApplicationProcess application = ApplicationProcess.start(dir.resolve("app.log"), Map.of(),
                    args.toArray(String[]::new))) {
                application.awaitLog(Pattern.compile("Done \\S+"), Duration.ofSeconds(60));
                broker.kill();
                application.awaitLog(Pattern.compile("Waiting for Kafka at " + Pattern.quote(broker.bootstrapServers())),
                        Duration.ofSeconds(60));
                Thread.sleep(8000);
                broker.start();

                assertThat(application.awaitExit(Duration.ofMinutes(3))).as(application.output()).isZero();
                assertThat(application.output())
                        .contains("takes records again")
                        .contains("not delivered     0")
                        .doesNotContain("Could not deliver");
            }
            List<ConsumerRecord<String, byte[]>> records = TopicReader.read(broker.bootstrapServers(),
                    List.of("tmdb.movies.raw", "tmdb.tv_series.raw", "tmdb.people.raw"), expected.size(),
                    Duration.ofSeconds(60));
            assertThat(SourceLines.of(records)).containsAll(expected);
        }
    }
}
