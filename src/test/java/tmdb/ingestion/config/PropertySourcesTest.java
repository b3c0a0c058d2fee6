package tmdb.ingestion.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PropertySourcesTest {

    @Test
    void argumentsAreNameValuePairs() {
        assertThat(PropertySources.parseArguments("--ingestion.mode=once", "--camel.route-template[a].folder=x=y"))
                .containsEntry("ingestion.mode", "once")
                .containsEntry("camel.route-template[a].folder", "x=y");
    }

    @Test
    void anythingElseIsAnErrorThatShowsTheExpectedForm() {
        assertThatThrownBy(() -> PropertySources.parseArguments("once"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'once'").hasMessageContaining("--name=value");
    }

    @Test
    void theProfileFileComesFirstThenTheTopLevelFileThenTheJarsDefaults() {
        assertThat(PropertySources.locations("prod")).isEqualTo("file:config/prod.properties,"
                + "file:application.properties;optional=true,classpath:application.properties");
        assertThat(PropertySources.locations(null)).startsWith("file:application.properties");
    }
}
