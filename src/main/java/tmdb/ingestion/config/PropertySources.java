package tmdb.ingestion.config;

import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.Ordered;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesSource;
import org.apache.camel.util.IOHelper;

/**
 * Where properties come from, highest precedence first: {@code --name=value} arguments, environment variables
 * (the property name in upper case, dots and dashes as underscores: {@code ingestion.data-dir} is
 * {@code INGESTION_DATA_DIR}), the profile's {@code config/<profile>.properties}, the top-level
 * {@code application.properties}, and the copy of it inside the jar, which holds every default.
 */
public final class PropertySources {

    /** The argument, environment variable and system property that choose the profile. */
    public static final String PROFILE_ARGUMENT = "profile";
    public static final String PROFILE_VARIABLE = "INGESTION_PROFILE";

    private PropertySources() {
    }

    /** Parses {@code --name=value} arguments; anything else is an error that says what is expected. */
    public static Map<String, String> parseArguments(String... args) {
        try {
            return CommandLine.parse(args);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage() + ", e.g. --ingestion.mode=once or --profile=dev");
        }
    }

    /** The profile chosen by argument or environment, or null for none. */
    public static String profile(Map<String, String> arguments) {
        String profile = arguments.get(PROFILE_ARGUMENT);
        if (profile == null) {
            profile = System.getenv(PROFILE_VARIABLE);
        }
        return profile == null || profile.isBlank() ? null : profile.trim();
    }

    /** The property file locations, highest precedence first. */
    public static String locations(String profile) {
        String defaults = "file:application.properties;optional=true,classpath:application.properties";
        return profile == null ? defaults : "file:config/" + profile + ".properties," + defaults;
    }

    /**
     * The application's properties, from the same sources and with the same precedence, for a tool that runs
     * without the application (and reads its settings: the same cluster, security, topics and folders).
     */
    public static CamelContext standalone(String profile, Map<String, String> arguments) {
        CamelContext context = new DefaultCamelContext();
        PropertiesComponent properties = (PropertiesComponent) context.getPropertiesComponent();
        properties.setLocation(locations(profile));
        Properties overrides = new Properties();
        overrides.putAll(arguments);
        properties.setOverrideProperties(overrides);
        installEnvironment(context);
        return context;
    }

    /** Makes environment variables override the property files, but not the command-line arguments. */
    public static void installEnvironment(CamelContext context) {
        PropertiesComponent properties = (PropertiesComponent) context.getPropertiesComponent();
        properties.setEnvironmentVariableMode(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
        properties.addPropertiesSource(new EnvironmentVariables());
    }

    /** Environment variables as a property source ahead of the files. */
    private static final class EnvironmentVariables implements PropertiesSource, Ordered {

        @Override
        public String getName() {
            return "ENV";
        }

        /** An empty variable counts as unset, as when a compose file passes along a variable nobody set. */
        @Override
        public String getProperty(String name) {
            String value = IOHelper.lookupEnvironmentVariable(name);
            return value == null || value.isBlank() ? null : value;
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST;
        }
    }
}
