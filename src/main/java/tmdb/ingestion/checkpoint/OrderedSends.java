package tmdb.ingestion.checkpoint;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * Sends records to one {@code kafka:} endpoint so that those of one file reach Kafka in the order they were sent: each
 * starts once the one before it of the same file is answered. The template hands each send to a thread of its pool,
 * where a finished checkpoint could overtake the progress saved just before it, and the next start would take the
 * file for unfinished. Other files' sends do not wait. A send starts outside the map of those under way: the template
 * runs it on the caller's thread when its pool is full.
 */
final class OrderedSends {

    private final ProducerTemplate template;
    private final String endpoint;
    /** Each file's last send not answered yet: the next one of that file waits for it. */
    private final Map<String, CompletableFuture<Exchange>> underWay = new ConcurrentHashMap<>();

    OrderedSends(ProducerTemplate template, String endpoint) {
        this.template = template;
        this.endpoint = endpoint;
    }

    /** Sends the value (null: a tombstone) with these headers after the file's sends before it; the exchange sent. */
    CompletableFuture<Exchange> send(String file, Map<String, Object> headers, byte[] value) {
        CompletableFuture<Exchange> answer = new CompletableFuture<>();
        CompletableFuture<Exchange> before = underWay.put(file, answer);
        CompletableFuture<?> turn = before == null ? CompletableFuture.completedFuture(null)
                : before.handle((answered, failed) -> null);
        turn.thenRun(() -> {
            try {
                template.asyncSend(endpoint, exchange -> {
                    exchange.getIn().setBody(value);
                    exchange.getIn().setHeaders(new LinkedHashMap<>(headers));
                }).whenComplete((answered, failed) -> {
                    if (failed != null) {
                        answer.completeExceptionally(failed);
                    } else {
                        answer.complete(answered);
                    }
                });
            } catch (RuntimeException refused) {
                answer.completeExceptionally(refused);
            }
        });
        answer.whenComplete((answered, failed) -> underWay.remove(file, answer));
        return answer;
    }
}
