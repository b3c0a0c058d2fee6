package tmdb.ingestion.producer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.errors.TimeoutException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.support.Records;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaAvailabilityTest {

    private final List<CompletableFuture<Set<String>>> lookups = new ArrayList<>();
    private final KafkaAvailability availability = new KafkaAvailability("broker:9092", new InFlightBudget(1000),
            new KafkaAvailability.TopicLookup() {
                @Override
                public CompletableFuture<Set<String>> missingAmong(Collection<String> names) {
                    CompletableFuture<Set<String>> answer = new CompletableFuture<>();
                    lookups.add(answer);
                    return answer;
                }

                @Override
                public String describe(String topic) {
                    return "Topic " + topic + " (ingestion.type.movie.topic)";
                }
            });
    private final Exception notInMetadata = new TimeoutException("Topic movies not present in metadata after 3000 ms.");

    @Test
    void aTopicTheClusterDoesNotHaveIsReportedByNameNotAsKafkaAway() {
        availability.sendFailed(notInMetadata, Set.of("movies"));
        assertThat(lookups).as("the failed records' topics are looked up").hasSize(1);
        assertThat(availability.waiting()).as("nothing is said before the answer").isFalse();

        lookups.get(0).complete(Set.of("movies"));

        assertThat(availability.missingTopics()).containsExactly("Topic movies (ingestion.type.movie.topic)");
        assertThat(availability.waiting()).isFalse();

        availability.sendFailed(notInMetadata, Set.of("movies"));
        assertThat(lookups).as("a topic known missing is not looked up again").hasSize(1);

        availability.delivered(Set.of("movies"));
        assertThat(availability.missingTopics()).isEmpty();
    }

    @Test
    void aClusterThatDoesNotAnswerTheLookupIsAway() {
        availability.sendFailed(notInMetadata, Set.of("movies"));
        lookups.get(0).completeExceptionally(new TimeoutException("Timed out waiting for a node assignment."));

        assertThat(availability.waiting()).isTrue();
        assertThat(availability.missingTopics()).isEmpty();

        availability.delivered(Set.of("movies"));
        assertThat(availability.waiting()).isFalse();
    }

    @Test
    void sendsThatFailWhileTheTopicsExistMeanKafkaIsAway() {
        availability.sendFailed(new TimeoutException("Expiring 3 record(s) for movies-0"), Set.of("movies", "dlq"));
        lookups.get(0).complete(Set.of());

        assertThat(availability.waiting()).isTrue();
        assertThat(availability.missingTopics()).isEmpty();
    }

    @Test
    void oneMissingTopicAmongOthersIsReportedAndTheOthersWaitForKafka() {
        availability.sendFailed(notInMetadata, Set.of("movies", "people"));
        lookups.get(0).complete(Set.of("movies"));

        assertThat(availability.missingTopics()).containsExactly("Topic movies (ingestion.type.movie.topic)");
        assertThat(availability.waiting()).isTrue();
    }

    @Test
    void failuresWhileALookupIsUnderWayOrJustAnsweredDoNotStartAnother() {
        availability.sendFailed(notInMetadata, Set.of("movies"));
        availability.sendFailed(notInMetadata, Set.of("people"));
        assertThat(lookups).hasSize(1);

        lookups.get(0).complete(Set.of());
        availability.sendFailed(notInMetadata, Set.of("people"));
        assertThat(lookups).as("within the lookup interval").hasSize(1);
    }

    @Test
    void aCommitThatFailsWithNoRecordIsKafkaAwayWithoutALookup() {
        availability.sendFailed(new TimeoutException("Timeout expired after 60000ms while awaiting InitProducerId"),
                Set.of());

        assertThat(lookups).as("no topic to look up").isEmpty();
        assertThat(availability.waiting()).isTrue();
    }

    @Test
    void aFailureRightAfterAnAcknowledgementIsSaidOnceTheGraceEndsWithNoneSince() {
        KafkaAvailability graced = new KafkaAvailability("broker:9092", new InFlightBudget(1000),
                Records.clusterWithEveryTopic(), TimeUnit.MILLISECONDS.toNanos(300));
        graced.delivered(Set.of("movies"));
        graced.sendFailed(new TimeoutException("Expiring 3 record(s) for movies-0"), Set.of("movies"));
        assertThat(graced.waiting()).as("within the grace: a straggler, so far").isFalse();

        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(graced::waiting);
    }
}
