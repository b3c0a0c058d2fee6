package tmdb.ingestion.support;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import tmdb.ingestion.deadletter.DeadLetterHeaders;
import tmdb.ingestion.record.RecordHeaders;

/** Dead letters written straight to a topic, with whatever headers a writer chooses: the export must cope. */
public final class DeadLetterSamples {

    /** A dead letter's folder headers and its value. */
    public record Sample(String type, String label, String value) {
    }

    private DeadLetterSamples() {
    }

    public static void createTopic(String bootstrap, Map<String, Object> security, String topic) throws Exception {
        Map<String, Object> config = new HashMap<>(security);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(config)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    public static void write(String bootstrap, Map<String, Object> security, String topic, List<Sample> samples)
            throws Exception {
        Map<String, Object> config = new HashMap<>(security);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            int line = 0;
            for (Sample sample : samples) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null,
                        sample.value().getBytes(StandardCharsets.UTF_8));
                header(record, RecordHeaders.DATA_TYPE, sample.type());
                header(record, RecordHeaders.DATA_LABEL, sample.label());
                header(record, RecordHeaders.SOURCE_FILE, sample.type() + "/" + sample.label() + "/a.jsonl");
                header(record, RecordHeaders.SOURCE_LINE, Integer.toString(++line));
                header(record, DeadLetterHeaders.REASON, "malformed_json");
                header(record, DeadLetterHeaders.TRUNCATED, "false");
                producer.send(record).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void header(ProducerRecord<byte[], byte[]> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
