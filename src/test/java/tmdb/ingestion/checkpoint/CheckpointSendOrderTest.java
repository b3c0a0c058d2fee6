package tmdb.ingestion.checkpoint;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * At-least-once, a file's checkpoints reach Kafka in the order they were saved: the template sends each on a thread
 * of its pool, so a save waits for the answer to the one before it of the same file (a finished checkpoint that
 * overtook the progress saved just before it would leave the file unfinished for the next start). Other files' saves
 * do not wait.
 */
class CheckpointSendOrderTest {

    /** One send the template was asked for: the exchange it would send, and the answer the test gives. */
    private record Send(Exchange exchange, CompletableFuture<Exchange> answer) {
        String key() {
            return exchange.getIn().getHeader(KafkaConstants.KEY, String.class);
        }

        boolean finished() {
            return new String(exchange.getIn().getBody(byte[].class)).contains("\"done\":true");
        }
    }

    private final List<Send> sends = new ArrayList<>();
    private final DefaultCamelContext camel = new DefaultCamelContext();

    /** A template that only records its asynchronous sends; the test answers them. */
    private ProducerTemplate template() {
        return (ProducerTemplate) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ProducerTemplate.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("asyncSend") || !(args[1] instanceof Processor fill)) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    Exchange exchange = new DefaultExchange(camel);
                    fill.process(exchange);
                    Send send = new Send(exchange, new CompletableFuture<>());
                    synchronized (sends) {
                        sends.add(send);
                    }
                    return send.answer();
                });
    }

    /** An at-least-once store whose sends go to the recording template. */
    private KafkaCheckpointStore atLeastOnceStore() {
        return new KafkaCheckpointStore("checkpoints", Properties::new, template(), "run", false,
                new Deployment("mine", "data folder /data", Map.of()), new FilePartitions(),
                new DoneRetention(Duration.ofDays(7)));
    }

    private static Checkpoint checkpoint(String file, long line, boolean done) {
        return new Checkpoint(file, 4096, "00000000000000ff80000000000000a1", line, line * 100, line,
                List.of(), done, "plain");
    }

    @Test
    void aFilesFinishedCheckpointIsSentOnlyOnceTheProgressSavedBeforeItIsAnswered() {
        KafkaCheckpointStore store = atLeastOnceStore();

        CompletableFuture<Void> progress = store.save(checkpoint("movie/new/a.jsonl", 7, false));
        CompletableFuture<Void> finished = store.save(checkpoint("movie/new/a.jsonl", 9, true));
        CompletableFuture<Void> otherFile = store.save(checkpoint("movie/new/b.jsonl", 3, false));

        assertThat(sends).as("a's finished checkpoint waits; b's does not").hasSize(2);
        assertThat(sends.get(0).key()).endsWith("movie/new/a.jsonl");
        assertThat(sends.get(0).finished()).isFalse();
        assertThat(sends.get(1).key()).endsWith("movie/new/b.jsonl");

        sends.get(0).answer().complete(sends.get(0).exchange());
        assertThat(progress).isCompleted();
        assertThat(finished).isNotDone();
        assertThat(sends).hasSize(3);
        assertThat(sends.get(2).key()).endsWith("movie/new/a.jsonl");
        assertThat(sends.get(2).finished()).isTrue();

        sends.get(2).answer().complete(sends.get(2).exchange());
        sends.get(1).answer().complete(sends.get(1).exchange());
        assertThat(finished).isCompleted();
        assertThat(otherFile).isCompleted();
        assertThat(store.save(checkpoint("movie/new/a.jsonl", 9, true))).as("nothing left to wait for").isNotDone();
        assertThat(sends).hasSize(4);
    }

    @Test
    void aSendThatFailedDoesNotHoldTheNextOneBack() {
        KafkaCheckpointStore store = atLeastOnceStore();

        CompletableFuture<Void> failed = store.save(checkpoint("movie/new/a.jsonl", 7, false));
        CompletableFuture<Void> next = store.save(checkpoint("movie/new/a.jsonl", 9, true));
        Exchange refused = sends.get(0).exchange();
        refused.setException(new IllegalStateException("not enough replicas"));
        sends.get(0).answer().complete(refused);

        assertThat(failed).isCompletedExceptionally();
        assertThat(sends).hasSize(2);
        sends.get(1).answer().complete(sends.get(1).exchange());
        assertThat(next).isCompleted();
    }
}
