package tmdb.ingestion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.datagen.TmdbDataGenerator;
import tmdb.ingestion.support.TestBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Cross-checks a once run with clients that share no code with the application or with Java's Kafka client:
 * kcat and librdkafka through Python. Skipped where they are not installed ({@code .ci/run} installs them).
 */
class IndependentClientIT {

    private static final List<String> TYPES = TmdbDataGenerator.TYPES;

    @TempDir
    Path dataDir;

    @Test
    void kcatAndLibrdkafkaFindEveryRecordOnceCorrectlyKeyedAndEnriched() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/kcat")), "kcat is not installed");
        assumeTrue(run("/usr/bin/python3", "-c", "import confluent_kafka").exitCode() == 0,
                "python3-confluent-kafka is not installed");
        String bootstrap = TestBroker.bootstrapServers();
        String prefix = "xcheck-" + System.nanoTime();
        TmdbDataGenerator.Manifest manifest = new TmdbDataGenerator(21).generate(dataDir, TYPES, 1500, 200);
        List<String> args = new ArrayList<>(List.of("--kafka.bootstrap-servers=" + bootstrap,
                "--ingestion.data-dir=" + dataDir, "--ingestion.mode=once", "--ingestion.file.quiet-period-ms=0",
                "--ingestion.management.port=0", "--ingestion.checkpoint.topic=" + prefix + ".checkpoints"));
        Map<String, Long> expectedByTopic = new TreeMap<>();
        for (String type : TYPES) {
            args.add("--ingestion.type." + type + ".topic=" + prefix + "." + type);
            long count = manifest.records().entrySet().stream().filter(e -> e.getKey().startsWith(type + "/"))
                    .mapToLong(Map.Entry::getValue).sum();
            expectedByTopic.put(prefix + "." + type, count);
        }

        assertThat(IngestionApplication.run(args.toArray(String[]::new))).isZero();

        for (String type : TYPES) {
            String topic = prefix + "." + type;
            Result kcat = run("/usr/bin/kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q",
                    "-X", "isolation.level=read_committed", "-f", "%k\n");
            List<String> expectedKeys = new ArrayList<>();
            manifest.ids().forEach((stream, ids) -> {
                if (stream.startsWith(type + "/")) {
                    ids.forEach(id -> expectedKeys.add(Long.toString(id)));
                }
            });
            assertThat(kcat.output().lines().toList()).as("keys kcat read from %s", topic)
                    .containsExactlyInAnyOrderElementsOf(expectedKeys);
        }

        Result python = run("/usr/bin/python3", Path.of("src/test/python/verify_topics.py").toString(), bootstrap,
                String.join(",", expectedByTopic.keySet()), Long.toString(manifest.totalRecords()), "60");
        assertThat(python.exitCode()).as(python.output()).isZero();
        JsonNode report = new ObjectMapper().readTree(python.output().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(report.get("records").asLong()).isEqualTo(manifest.totalRecords());
        expectedByTopic.forEach((topic, count) -> assertThat(report.get("by_topic").get(topic).asLong()).isEqualTo(count));
        for (String problem : List.of("duplicates", "key_mismatch", "missing_fields", "bad_timestamp", "wrong_topic_type")) {
            assertThat(report.get(problem).asInt()).as(problem).isZero();
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
