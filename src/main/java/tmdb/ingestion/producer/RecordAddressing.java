package tmdb.ingestion.producer;

import tmdb.ingestion.config.TypeCatalog;
import tmdb.ingestion.record.Record;
import tmdb.ingestion.record.RecordProcessor;

/** Addresses a good record: the topic of its type, and its TMDB id, as a string, as the Kafka key. */
public final class RecordAddressing implements RecordProcessor {

    private final TypeCatalog types;

    public RecordAddressing(TypeCatalog types) {
        this.types = types;
    }

    @Override
    public void process(Record record) {
        if (!record.rejected()) {
            record.address(types.require(record.type()).topic(), Long.toString(record.tmdbId()));
        }
    }
}
