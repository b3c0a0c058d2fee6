package tmdb.ingestion;

import java.util.List;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The packages depend one way, from the wiring down to the settings (the README's code map draws the same):
 * each layer uses only layers below it, so each can be read and tested without those above.
 */
class LayeringTest {

    /** Top to bottom. Loader, preprocessor and producer are the hot path's stages: none uses another. */
    private static final List<Layer> LAYERS = List.of(
            new Layer("application", "tmdb.ingestion"),
            new Layer("monitor", "tmdb.ingestion.monitor.."),
            new Layer("loader", "tmdb.ingestion.loader.."),
            new Layer("preprocessor", "tmdb.ingestion.preprocessor.."),
            new Layer("producer", "tmdb.ingestion.producer.."),
            new Layer("group", "tmdb.ingestion.group.."),
            new Layer("deadletter", "tmdb.ingestion.deadletter.."),
            new Layer("record", "tmdb.ingestion.record.."),
            new Layer("file", "tmdb.ingestion.file.."),
            new Layer("checkpoint", "tmdb.ingestion.checkpoint.."),
            new Layer("content", "tmdb.ingestion.content.."),
            new Layer("broker", "tmdb.ingestion.broker.."),
            new Layer("datagen", "tmdb.ingestion.datagen.."),
            new Layer("config", "tmdb.ingestion.config.."));

    /** Stages of the hot path, side by side: none may use another. */
    private static final List<String> STAGES = List.of("loader", "preprocessor", "producer");

    private record Layer(String name, String packages) {
    }

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("tmdb.ingestion");

    @Test
    void eachLayerUsesOnlyTheLayersBelowIt() {
        LayeredArchitecture architecture = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (Layer layer : LAYERS) {
            architecture = architecture.layer(layer.name()).definedBy(layer.packages());
        }
        architecture = architecture.whereLayer(LAYERS.get(0).name()).mayNotBeAccessedByAnyLayer();
        for (int below = 1; below < LAYERS.size(); below++) {
            String name = LAYERS.get(below).name();
            String[] above = LAYERS.subList(0, below).stream().map(Layer::name)
                    .filter(layer -> !(STAGES.contains(name) && STAGES.contains(layer)))
                    .toArray(String[]::new);
            architecture = architecture.whereLayer(name).mayOnlyBeAccessedByLayers(above);
        }
        architecture.check(CLASSES);
    }

    @Test
    void noPackagesDependOnEachOtherInACircle() {
        slices().matching("tmdb.ingestion.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
