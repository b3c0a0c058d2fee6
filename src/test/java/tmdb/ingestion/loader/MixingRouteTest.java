package tmdb.ingestion.loader;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import org.apache.camel.BindToRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import tmdb.ingestion.RecordProperties;
import tmdb.ingestion.config.Seed;
import tmdb.ingestion.monitor.IngestionStats;

import static org.assertj.core.api.Assertions.assertThat;

class MixingRouteTest extends CamelTestSupport {

    private static final String[] STREAMS = {"movie/new", "person/old", "tv_series/change"};

    @BindToRegistry("pacer")
    private final Pacer unpaced = new Pacer(0);

    private final IngestionStats stats = new IngestionStats();

    @BindToRegistry("recordLeftMixing")
    private final Processor recordLeftMixing = exchange -> stats.recordLeftMixing();

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties properties = new Properties();
        properties.setProperty("ingestion.mix.window", "1000");
        properties.setProperty("ingestion.mix.timeout-ms", "200");
        properties.setProperty("ingestion.workers", "1");
        return properties;
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        return new RoutesBuilder[] {new MixingRoute(), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:preprocess").to("mock:mixed");
            }
        }};
    }

    private void send(String stream, long mixKey) {
        stats.recordRead(stream.substring(0, stream.indexOf('/')), stream.substring(stream.indexOf('/') + 1));
        template.send("direct:mix", exchange -> {
            exchange.setProperty(RecordProperties.MIX_KEY, mixKey);
            exchange.getIn().setBody(stream);
        });
    }

    private List<String> received(MockEndpoint mixed) {
        List<String> order = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Exchange exchange : mixed.getExchanges()) {
            order.add(exchange.getIn().getBody(String.class));
            ids.add(exchange.getExchangeId());
        }
        assertThat(ids).as("distinct exchanges").hasSameSizeAs(order);
        return order;
    }

    @Test
    void keepsEveryRecordWhenMixKeysCollide() throws Exception {
        int perStream = 2000;
        MockEndpoint mixed = getMockEndpoint("mock:mixed");
        mixed.expectedMessageCount(STREAMS.length * perStream);

        for (int i = 0; i < perStream; i++) {
            for (String stream : STREAMS) {
                send(stream, (i * 31L + stream.hashCode()) % 7);
            }
        }

        mixed.assertIsSatisfied(20_000);
        List<String> order = received(mixed);
        for (String stream : STREAMS) {
            assertThat(order).filteredOn(stream::equals).hasSize(perStream);
        }
        assertThat(stats.heldInMixing()).as("records still held by the mixing stage").isZero();
    }

    @Test
    void interleavesStreamsThatArriveOneAfterTheOther() throws Exception {
        int perStream = 300;
        Seed seed = new Seed(7);
        MockEndpoint mixed = getMockEndpoint("mock:mixed");
        mixed.expectedMessageCount(STREAMS.length * perStream);

        for (String stream : STREAMS) {
            for (int line = 1; line <= perStream; line++) {
                send(stream, seed.draw(stream, line, 1));
            }
        }

        mixed.assertIsSatisfied(20_000);
        List<String> order = received(mixed);
        int switches = 0;
        for (int i = 1; i < order.size(); i++) {
            switches += order.get(i).equals(order.get(i - 1)) ? 0 : 1;
        }
        assertThat(switches).as("changes of stream between consecutive records").isGreaterThan(order.size() / 2);
    }
}
