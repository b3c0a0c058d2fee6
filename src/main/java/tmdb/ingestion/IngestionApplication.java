package tmdb.ingestion;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.checkpoint.CheckpointRetentionRoute;
import tmdb.ingestion.config.ConfigurationException;
import tmdb.ingestion.config.PropertySources;
import tmdb.ingestion.file.FileLifecycleRoute;
import tmdb.ingestion.loader.AnnouncementEndsRoute;
import tmdb.ingestion.loader.FileReadingRoute;
import tmdb.ingestion.loader.BucketListingRoute;
import tmdb.ingestion.loader.FolderRouteTemplate;
import tmdb.ingestion.loader.MixingRoute;
import tmdb.ingestion.monitor.FileStatusRoute;
import tmdb.ingestion.monitor.MonitoringRoutes;
import tmdb.ingestion.preprocessor.PreprocessRoute;
import tmdb.ingestion.producer.KafkaSendRoute;
import tmdb.ingestion.producer.PublishRoute;

/**
 * Runs the ingestion: {@code java @config/jvm.options -jar tmdb-ingestion.jar [--name=value ...]}. Exit status 0
 * when every record was published or dead-lettered with a reason, 1 when some record could not be delivered or a file
 * failed, 2 when the configuration is wrong.
 */
public final class IngestionApplication {

    public static final int EXIT_CONFIGURATION_ERROR = 2;

    private static final Logger LOG = LoggerFactory.getLogger(IngestionApplication.class);

    private IngestionApplication() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs until stopped (watch) or done (once); returns the exit status. */
    public static int run(String... args) {
        Map<String, String> arguments;
        String profile;
        try {
            arguments = PropertySources.parseArguments(args);
            profile = PropertySources.profile(arguments);
            requireProfileFile(profile);
        } catch (ConfigurationException e) {
            LOG.error(e.getMessage());
            return EXIT_CONFIGURATION_ERROR;
        }
        arguments.remove(PropertySources.PROFILE_ARGUMENT);

        Main main = new Main();
        main.configure().addConfiguration(PipelineConfiguration.class);
        main.configure().addRoutesBuilder(new FolderRouteTemplate());
        main.configure().addRoutesBuilder(new BucketListingRoute());
        main.configure().addRoutesBuilder(new AnnouncementEndsRoute());
        main.configure().addRoutesBuilder(new CheckpointRetentionRoute());
        main.configure().addRoutesBuilder(new FileReadingRoute());
        main.configure().addRoutesBuilder(new FileLifecycleRoute());
        main.configure().addRoutesBuilder(new MixingRoute());
        main.configure().addRoutesBuilder(new PreprocessRoute());
        main.configure().addRoutesBuilder(new PublishRoute());
        main.configure().addRoutesBuilder(new KafkaSendRoute());
        main.configure().addRoutesBuilder(new MonitoringRoutes());
        main.configure().addRoutesBuilder(new FileStatusRoute());
        main.setPropertyPlaceholderLocations(PropertySources.locations(profile));
        arguments.forEach(main::addOverrideProperty);
        ApplicationLifecycle lifecycle = new ApplicationLifecycle();
        main.addMainListener(lifecycle);
        try {
            main.run();
        } catch (Exception e) {
            ConfigurationException configuration = configurationCause(e);
            if (configuration == null) {
                LOG.error("The application failed to start", e);
                return 1;
            }
            LOG.error("Configuration error: {}", configuration.getMessage());
            return EXIT_CONFIGURATION_ERROR;
        }
        return lifecycle.exitCode();
    }

    private static void requireProfileFile(String profile) {
        if (profile != null && !Files.isRegularFile(Path.of("config", profile + ".properties"))) {
            throw new ConfigurationException("Profile '" + profile + "' has no file config/" + profile
                    + ".properties (looked in " + Path.of("config").toAbsolutePath() + "). Use one of the profiles "
                    + "there, e.g. dev or prod, or unset " + PropertySources.PROFILE_VARIABLE + ".");
        }
    }

    private static ConfigurationException configurationCause(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConfigurationException configuration) {
                return configuration;
            }
        }
        return null;
    }
}
