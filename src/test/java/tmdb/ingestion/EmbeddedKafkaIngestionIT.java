package tmdb.ingestion;

import tmdb.ingestion.support.TestBroker;

/** The end-to-end assertions on a real KRaft broker started in the test JVM. */
class EmbeddedKafkaIngestionIT extends AbstractIngestionIT {

    @Override
    protected String bootstrapServers() {
        return TestBroker.bootstrapServers();
    }
}
