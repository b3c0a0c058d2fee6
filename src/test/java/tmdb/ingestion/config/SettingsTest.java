package tmdb.ingestion.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import tmdb.ingestion.preprocessor.TimestampPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {

    private static Settings settings(String... keysAndValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        DefaultCamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setInitialProperties(properties);
        return new Settings(context);
    }

    @Test
    void readsTypesWithTheirTopicsAndFieldsAndDefaultsTheFieldsToTheTypesName() {
        TypeCatalog types = TypeCatalog.from(settings(
                "ingestion.type.movie.topic", "tmdb.movies.raw",
                "ingestion.type.movie.id-field", "movie_id",
                "ingestion.type.movie.detail-field", "movie_detail",
                "ingestion.type.collection.topic", "tmdb.collections.raw"));

        assertThat(types.require("movie")).isEqualTo(new RecordType("movie", "tmdb.movies.raw", "movie_id", "movie_detail"));
        assertThat(types.require("collection"))
                .isEqualTo(new RecordType("collection", "tmdb.collections.raw", "collection_id", "collection_detail"));
    }

    private static Settings bucket(String... keysAndValues) {
        List<String> all = new ArrayList<>(List.of("ingestion.source.s3.prefix", "",
                "ingestion.source.s3.endpoint", "", "ingestion.source.s3.region", "us-east-1",
                "ingestion.source.s3.path-style", "false", "ingestion.source.s3.list-interval-ms", "10000",
                "ingestion.source.s3.page-size", "1000", "ingestion.source.s3.after-ingest", "leave"));
        all.addAll(List.of(keysAndValues));
        return settings(all.toArray(String[]::new));
    }

    @Test
    void aBucketReplacesTheFoldersWhenNamedItsPrefixEndsWithASlashAndEverySettingIsChecked() {
        assertThat(BucketSettings.from(bucket("ingestion.source.s3.bucket", " "))).isEmpty();
        assertThat(BucketSettings.from(bucket("ingestion.source.s3.bucket", "tmdb-raw",
                "ingestion.source.s3.prefix", "/exports/2026"))).get()
                .isEqualTo(new BucketSettings("tmdb-raw", "exports/2026/", "", "us-east-1", false, 10_000, 1000,
                        AfterIngest.LEAVE))
                .extracting(BucketSettings::uri).isEqualTo("s3://tmdb-raw/exports/2026/");
        assertThatThrownBy(() -> BucketSettings.from(bucket("ingestion.source.s3.bucket", "Tmdb_Raw")))
                .hasMessageContaining("ingestion.source.s3.bucket").hasMessageContaining("Tmdb_Raw");
        assertThatThrownBy(() -> BucketSettings.from(bucket("ingestion.source.s3.bucket", "tmdb-raw",
                "ingestion.source.s3.endpoint", "minio:9000"))).hasMessageContaining("ingestion.source.s3.endpoint")
                .hasMessageContaining("minio:9000");
        assertThatThrownBy(() -> BucketSettings.from(bucket("ingestion.source.s3.bucket", "tmdb-raw",
                "ingestion.source.s3.page-size", "5000"))).hasMessageContaining("between 1 and 1000");
        assertThatThrownBy(() -> BucketSettings.from(bucket("ingestion.source.s3.bucket", "tmdb-raw",
                "ingestion.source.s3.list-interval-ms", "10"))).hasMessageContaining("at least 100");
        assertThat(BucketSettings.from(bucket("ingestion.source.s3.bucket", "tmdb-raw",
                "ingestion.source.s3.after-ingest", " Move"))).get().extracting(BucketSettings::afterIngest)
                .isEqualTo(AfterIngest.MOVE);
        assertThatThrownBy(() -> BucketSettings.from(bucket("ingestion.source.s3.bucket", "tmdb-raw",
                "ingestion.source.s3.after-ingest", "archive"))).hasMessageContaining("ingestion.source.s3.after-ingest")
                .hasMessageContaining("leave, delete or move").hasMessageContaining("archive");
    }

    @Test
    void aTypeWithoutATopicIsAnErrorThatNamesTheProperty() {
        assertThatThrownBy(() -> TypeCatalog.from(settings("ingestion.type.collection.id-field", "collection_id")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("ingestion.type.collection.topic");
        TypeCatalog empty = TypeCatalog.from(settings());
        assertThatThrownBy(() -> empty.require("collection")).hasMessageContaining("ingestion.type.collection.topic");
    }

    @Test
    void readsEventTimeWindowsAndRejectsMalformedOnes() {
        EventTimeWindows windows = EventTimeWindows.from(settings(
                "ingestion.label.old.event-time-window", "2025-01-01T00:00:00Z/2025-12-31T23:59:59Z"));

        assertThat(windows.require("old").seconds()).isEqualTo(365L * 24 * 3600);
        assertThatThrownBy(() -> EventTimeWindows.from(settings("ingestion.label.old.event-time-window", "2025")))
                .hasMessageContaining("ingestion.label.old.event-time-window").hasMessageContaining("<start>/<end>");
        assertThatThrownBy(() -> EventTimeWindows.from(settings(
                "ingestion.label.old.event-time-window", "2025-01-01/2025-02-01")))
                .hasMessageContaining("ISO-8601");
    }

    @Test
    void readsTheFolderRoutesOfTheTemplate() {
        List<FolderRoutes.FolderRoute> routes = FolderRoutes.from(settings(
                "camel.route-template[movie-new].template-id", "jsonl-folder",
                "camel.route-template[movie-new].type", "movie",
                "camel.route-template[movie-new].label", "new",
                "camel.route-template[movie-new].folder", "data/movie/new",
                "camel.route-template[other].template-id", "something-else"));

        assertThat(routes).containsExactly(new FolderRoutes.FolderRoute("movie-new", "movie", "new", "data/movie/new"));
        assertThatThrownBy(() -> FolderRoutes.from(settings(
                "camel.route-template[x].template-id", "jsonl-folder", "camel.route-template[x].type", "movie")))
                .hasMessageContaining("camel.route-template[x].label");
    }

    @Test
    void badValuesGiveMessagesThatNameThePropertyAndTheValue() {
        Settings settings = settings("ingestion.mix.window", "lots", "ingestion.timestamp.policy", "sometimes");

        assertThatThrownBy(() -> settings.integer("ingestion.mix.window"))
                .hasMessage("Property ingestion.mix.window must be a whole number, not 'lots'");
        assertThatThrownBy(() -> settings.choice("ingestion.timestamp.policy", TimestampPolicy.class))
                .hasMessage("Property ingestion.timestamp.policy must be one of event-window, processing-time, "
                        + "not 'sometimes'");
        assertThat(settings("ingestion.timestamp.policy", "processing-time")
                .choice("ingestion.timestamp.policy", TimestampPolicy.class)).isEqualTo(TimestampPolicy.PROCESSING_TIME);
    }
}
