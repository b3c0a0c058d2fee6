package tmdb.ingestion.loader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.camel.BindToRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tmdb.ingestion.config.Seed;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.file.IngestionStats;
import tmdb.ingestion.file.SourceFile;
import tmdb.ingestion.file.SourceLine;
import tmdb.ingestion.record.Record;
import tmdb.ingestion.record.RecordProcessor;
import tmdb.ingestion.support.Records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class MixingRouteTest extends CamelTestSupport {

    private static final int WINDOW = 1000;
    /** The in-flight budget the windows are sized by: a window is full at a quarter of it. */
    private static final long BUDGET_BYTES = 160_000;
    private static final String[] FILES = {"movie/new/a.jsonl", "person/old/b.jsonl", "tv_series/change/c.jsonl"};

    private final IngestionStats stats = new IngestionStats();

    @BindToRegistry("windowAggregation")
    private final WindowAggregation aggregation = new WindowAggregation(WINDOW, BUDGET_BYTES, 0);

    @BindToRegistry("windowLeftMixing")
    private final Processor windowLeftMixing = exchange ->
            stats.recordsLeftMixing(RecordProcessor.window(exchange).size());

    @BindToRegistry("windowWorkers")
    private final ExecutorService workers = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopWorkers() {
        workers.shutdownNow();
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties properties = new Properties();
        properties.setProperty("ingestion.mix.timeout-ms", "200");
        return properties;
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        return new RoutesBuilder[] {new MixingRoute(), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:preprocess").to("mock:windows");
            }
        }};
    }

    /** Sends the lines from..to of a file as one chunk, each record mixed by the given key. */
    private List<Record> chunk(String file, int from, int to, Seed seed) {
        List<Record> chunk = new ArrayList<>();
        for (int line = from; line <= to; line++) {
            chunk.add(Records.mixed(file, line, seed == null ? line % 7 : seed.draw(file, line, 1)));
        }
        stats.recordsRead("t", "l", chunk.size());
        template.sendBody("direct:mix", new ArrayList<>(chunk));
        return chunk;
    }

    private static List<List<Record>> windows(MockEndpoint mock) {
        List<List<Record>> windows = new ArrayList<>();
        for (Exchange exchange : mock.getExchanges()) {
            windows.add(RecordProcessor.window(exchange));
        }
        return windows;
    }

    @Test
    void keepsEveryRecordWhenMixKeysCollide() throws Exception {
        MockEndpoint mock = getMockEndpoint("mock:windows");
        mock.expectedMinimumMessageCount(1);
        Set<Record> sent = new HashSet<>();
        for (int chunk = 0; chunk < 20; chunk++) {
            for (String file : FILES) {
                sent.addAll(chunk(file, chunk * 100 + 1, chunk * 100 + 100, null));
            }
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> stats.heldInMixing() == 0);
        mock.assertIsSatisfied(20_000);
        List<Record> received = new ArrayList<>();
        windows(mock).forEach(received::addAll);
        assertThat(received).as("every record once").hasSize(sent.size()).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(windows(mock)).as("windows close once full").allSatisfy(window ->
                assertThat(window.size()).isLessThan(WINDOW + 100));
    }

    @Test
    void recordsOfDifferentFoldersInterleaveWithinAWindowInAnOrderThatIsNotTheirArrival() throws Exception {
        MockEndpoint mock = getMockEndpoint("mock:windows");
        mock.expectedMessageCount(1);
        Seed seed = new Seed(7);
        List<Record> arrival = new ArrayList<>();
        for (String file : FILES) {
            arrival.addAll(chunk(file, 1, 300, seed));
        }

        mock.assertIsSatisfied(20_000);
        List<Record> window = windows(mock).get(0);
        assertThat(window).containsExactlyInAnyOrderElementsOf(arrival).isNotEqualTo(arrival);
        int switches = 0;
        for (int i = 1; i < window.size(); i++) {
            switches += window.get(i).file() == window.get(i - 1).file() ? 0 : 1;
        }
        assertThat(switches).as("changes of folder between consecutive records of the window")
                .isGreaterThan(window.size() / 2);
        assertThat(window).isSortedAccordingTo(MixingRoute.MIX_ORDER);
    }

    @Test
    void aWindowIsReleasedWhenFullOrWhenNoChunkCameForTheTimeout() throws Exception {
        MockEndpoint mock = getMockEndpoint("mock:windows");
        mock.expectedMessageCount(2);
        for (int chunk = 0; chunk < 15; chunk++) {
            chunk(FILES[chunk % FILES.length], chunk * 100 + 1, chunk * 100 + 100, null);
        }

        mock.assertIsSatisfied(20_000);
        assertThat(windows(mock)).extracting(List::size).containsExactly(WINDOW, 500);
        assertThat(mock.getExchanges().get(1).getProperty(Exchange.AGGREGATED_COMPLETED_BY)).isEqualTo("timeout");
    }

    @Test
    void aWindowIsReleasedOnceItHoldsAQuarterOfTheBudgetThoughFarFromItsRecordCount() throws Exception {
        MockEndpoint mock = getMockEndpoint("mock:windows");
        mock.expectedMessageCount(5);
        int recordBytes = 1_000;
        for (int chunk = 0; chunk < 10; chunk++) {
            String file = FILES[chunk % FILES.length];
            String[] folders = file.split("/");
            SourceFile source = SourceFile.of(1, file, folders[0], folders[1], 0);
            List<Record> records = new ArrayList<>();
            for (int line = 1; line <= 20; line++) {
                byte[] bytes = new byte[recordBytes];
                records.add(new Record(source, new SourceLine(chunk * 100L + line, bytes, recordBytes, 0, 0,
                        recordBytes), line, InFlightBudget.unbounded(), recordBytes));
            }
            stats.recordsRead("t", "l", records.size());
            template.sendBody("direct:mix", records);
        }

        mock.assertIsSatisfied(20_000);
        assertThat(BUDGET_BYTES / 4).as("two chunks of 20 records fill a window").isEqualTo(2L * 20 * recordBytes);
        assertThat(windows(mock)).extracting(List::size).containsExactly(40, 40, 40, 40, 40);
        assertThat(mock.getExchanges()).allSatisfy(window ->
                assertThat(window.getProperty(Exchange.AGGREGATED_COMPLETED_BY)).isEqualTo("predicate"));
    }
}
