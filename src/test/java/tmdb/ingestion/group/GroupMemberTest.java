package tmdb.ingestion.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tmdb.ingestion.checkpoint.FilePartitions;
import tmdb.ingestion.checkpoint.InMemoryCheckpointStore;
import tmdb.ingestion.checkpoint.PartitionCheckpoints;
import tmdb.ingestion.file.IngestionStats;
import tmdb.ingestion.support.LifecycleFixture;

/**
 * The group member against Kafka's {@link MockConsumer}, its rebalances run on the group's own thread as Kafka runs
 * them: what happens to a partition between its assignment and its ownership, and when it goes.
 */
class GroupMemberTest {

    private static final String TOPIC = "files";
    private static final int PARTITIONS = 3;
    private static final long HAND_OVER_MS = 200;

    @TempDir
    Path dir;

    private final PacedConsumer consumer = new PacedConsumer();
    private final List<String> steps = new CopyOnWriteArrayList<>();
    private final KafkaWaits waits = new KafkaWaits();
    private LifecycleFixture files;
    private GroupMember member;

    @AfterEach
    void leave() {
        if (member != null) {
            member.leave(Duration.ofSeconds(10));
            member.stop();
        }
        if (files != null) {
            files.close();
        }
    }

    @Test
    void partitionsGivenAreTakenAndTheirCheckpointsReadBeforeTheyAreOwned() throws Exception {
        start(new RecordingWork(steps));

        rebalance(0, 1, 2);

        await().atMost(Duration.ofSeconds(10)).until(() -> member.ownedPartitions().equals(Set.of(0, 1, 2)));
        assertThat(steps).containsExactly("take [0, 1, 2]", "load [0, 1, 2]");
        assertThat(member.discovering()).as("the owner of partition 0 lists the folders").isTrue();
        await().atMost(Duration.ofSeconds(10)).until(member::ownsAllAndReadTheirAnnouncements);
        assertThat(consumer.paused()).as("the announcements of owned partitions are read").isEmpty();
    }

    @Test
    void aRevokedPartitionsWorkIsHandedOverAndTheOthersStay() throws Exception {
        start(new RecordingWork(steps));
        rebalance(0, 1, 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> member.ownedPartitions().size() == PARTITIONS);

        rebalance(0, 1);

        await().atMost(Duration.ofSeconds(10)).until(() -> steps.contains("hand [2]"));
        assertThat(member.ownedPartitions()).containsExactly(0, 1);
        assertThat(steps).doesNotContain("lose [2]");
    }

    @Test
    void aLostPartitionsWorkEndsAndIsNotHandedOver() throws Exception {
        start(new RecordingWork(steps));
        rebalance(0, 1, 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> member.ownedPartitions().size() == PARTITIONS);

        consumer.schedulePollTask(() -> member.onPartitionsLost(List.of(new TopicPartition(TOPIC, 0))));

        await().atMost(Duration.ofSeconds(10)).until(() -> steps.contains("lose [0]"));
        await().atMost(Duration.ofSeconds(10)).until(() -> member.ownedPartitions().equals(Set.of(1, 2)));
        assertThat(member.discovering()).as("no longer the owner of partition 0").isFalse();
        assertThat(steps).doesNotContain("hand [0]");
    }

    @Test
    void aPartitionTakenAwayWhileKafkaStillTakesItIsHandedBackOnceTakenAndNeverOwned() throws Exception {
        CountDownLatch kafkaAnswers = new CountDownLatch(1);
        start(takesWaitingFor(kafkaAnswers));
        rebalance(0, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> steps.contains("take [0, 1]"));

        rebalance(0);
        // the revocation waits HAND_OVER_MS for the take, then lets the group go on; the take hands 1 back later
        groupGoesOn("taken away");
        assertThat(steps).as("nothing handed back while its id may still be taken").doesNotContain("hand [1]");

        kafkaAnswers.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> steps.contains("hand [1]"));
        await().atMost(Duration.ofSeconds(10)).until(() -> member.ownedPartitions().equals(Set.of(0)));
        assertThat(steps).as("its checkpoints neither read nor kept").containsExactly("take [0, 1]",
                "group: taken away", "load [0]", "forget [1]", "hand [1]");
    }

    @Test
    void aPartitionTakenAwayAndGivenBackWhileTheOthersAreReadIsReadBeforeItIsOwned() throws Exception {
        CountDownLatch takeAnswered = new CountDownLatch(1);
        CountDownLatch readAnswered = new CountDownLatch(1);
        start(takesWaitingFor(takeAnswered), new RecordingCheckpoints() {
            @Override
            public void load(Set<Integer> filesPartitions) {
                super.load(filesPartitions);
                if (filesPartitions.equals(Set.of(0))) {
                    waitFor(readAnswered);
                }
            }
        });
        rebalance(0, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> steps.contains("take [0, 1]"));
        rebalance(0);
        groupGoesOn("taken away");

        takeAnswered.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> steps.contains("load [0]"));
        rebalance(0, 1);
        groupGoesOn("given back");
        readAnswered.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> member.ownedPartitions().equals(Set.of(0, 1)));
        assertThat(steps).as("owned only once taken again and its checkpoints read").containsExactly("take [0, 1]",
                "group: taken away", "load [0]", "group: given back", "hand [1]", "take [1]", "load [1]");
    }

    @Test
    void aPartitionReadThenTakenAwayAndGivenBackIsTakenAndReadAgainBeforeItIsOwned() throws Exception {
        CountDownLatch firstReadAnswered = new CountDownLatch(1);
        CountDownLatch secondReadAnswered = new CountDownLatch(1);
        start(new RecordingWork(steps), new RecordingCheckpoints() {
            @Override
            public void load(Set<Integer> filesPartitions) {
                super.load(filesPartitions);
                waitFor(filesPartitions.contains(0) ? firstReadAnswered : filesPartitions.equals(Set.of(2))
                        ? secondReadAnswered : new CountDownLatch(0));
            }
        });
        rebalance(0, 1, 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> steps.contains("load [0, 1, 2]"));
        rebalance(0, 1);
        groupGoesOn("2 away");
        rebalance(0, 1, 2);
        groupGoesOn("2 back");
        firstReadAnswered.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> steps.contains("load [2]"));
        // partition 1, read already, goes (the revocation gives up waiting for the preparation) and comes back
        rebalance(0, 2);
        groupGoesOn("1 away");
        rebalance(0, 1, 2);
        groupGoesOn("1 back");
        secondReadAnswered.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> member.ownedPartitions().equals(Set.of(0, 1, 2)));
        assertThat(steps).containsExactly("take [0, 1, 2]", "load [0, 1, 2]", "group: 2 away", "group: 2 back",
                "hand [2]", "take [2]", "load [2]", "group: 1 away", "group: 1 back", "hand [1]", "take [1]",
                "load [1]");
    }

    @Test
    void kafkaAwayWhileTakingIsWaitedOutAndSaidInTheWaits() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        CountDownLatch kafkaBack = new CountDownLatch(1);
        start(new RecordingWork(steps) {
            @Override
            public void take(Set<Integer> partitions) {
                super.take(partitions);
                attempts.incrementAndGet();
                if (kafkaBack.getCount() > 0) {
                    throw new TimeoutException("Timeout expired after 15000ms while awaiting InitProducerId");
                }
            }
        });

        rebalance(0, 1, 2);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> waits.current().containsKey("preparing files partitions [0, 1, 2]"));
        assertThat(waits.current().get("preparing files partitions [0, 1, 2]"))
                .startsWith("taking the work: ").contains("awaiting InitProducerId");
        assertThat(member.ownedPartitions()).isEmpty();
        kafkaBack.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> member.ownedPartitions().equals(Set.of(0, 1, 2)));
        assertThat(waits.current()).isEmpty();
        assertThat(attempts).hasValueGreaterThanOrEqualTo(2);
    }

    @Test
    void kafkaAwayWhileReadingCheckpointsIsWaitedOutWithoutTakingAgain() throws Exception {
        CountDownLatch kafkaBack = new CountDownLatch(1);
        start(new RecordingWork(steps), new RecordingCheckpoints() {
            @Override
            public void load(Set<Integer> filesPartitions) {
                super.load(filesPartitions);
                if (kafkaBack.getCount() > 0) {
                    throw new TimeoutException("the checkpoints in topic checkpoints were not read within 15000 ms");
                }
            }
        });

        rebalance(0, 1, 2);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> waits.current().containsKey("preparing files partitions [0, 1, 2]"));
        assertThat(waits.current().get("preparing files partitions [0, 1, 2]"))
                .startsWith("reading the checkpoints: ").contains("were not read");
        kafkaBack.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> member.ownedPartitions().equals(Set.of(0, 1, 2)));
        assertThat(waits.current()).isEmpty();
        // the ids taken stay taken: a retry reads the checkpoints again, and only them
        assertThat(steps).first().isEqualTo("take [0, 1, 2]");
        assertThat(steps).filteredOn(step -> step.startsWith("take")).hasSize(1);
        assertThat(steps).filteredOn(step -> step.startsWith("load")).hasSizeGreaterThanOrEqualTo(2)
                .allMatch("load [0, 1, 2]"::equals);
    }

    @Test
    void aRefusalWhileTakingStopsTheInstanceAndTakesNothingMore() throws Exception {
        AtomicBoolean expelled = new AtomicBoolean();
        start(new RecordingWork(steps) {
            @Override
            public void take(Set<Integer> partitions) {
                super.take(partitions);
                throw new TransactionalIdAuthorizationException("not authorized to use the transactional id");
            }
        });
        member.onExpelled(() -> expelled.set(true));

        rebalance(0, 1, 2);

        await().atMost(Duration.ofSeconds(10)).until(expelled::get);
        // taken away now, its id goes back; given again, it is not taken while this instance stops
        rebalance(0, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> steps.contains("hand [2]"));
        rebalance(0, 1, 2);
        groupGoesOn("given again");
        assertThat(member.ownedPartitions()).isEmpty();
        assertThat(steps).containsExactly("take [0, 1, 2]", "forget [2]", "hand [2]", "group: given again");
    }

    @Test
    void leavingClosesTheConsumer() throws Exception {
        start(new RecordingWork(steps));
        rebalance(0, 1, 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> member.ownedPartitions().size() == PARTITIONS);

        member.leave(Duration.ofSeconds(10));

        assertThat(consumer.closed()).isTrue();
    }

    private void start(PartitionWork work) throws Exception {
        start(work, new RecordingCheckpoints());
    }

    private void start(PartitionWork work, PartitionCheckpoints checkpoints) throws Exception {
        files = new LifecycleFixture(dir, new InMemoryCheckpointStore(), new IngestionStats());
        List<PartitionInfo> infos = IntStream.range(0, PARTITIONS)
                .mapToObj(partition -> new PartitionInfo(TOPIC, partition, null, null, null)).toList();
        consumer.updatePartitions(TOPIC, infos);
        Map<TopicPartition, Long> zero = new HashMap<>();
        infos.forEach(info -> zero.put(new TopicPartition(TOPIC, info.partition()), 0L));
        consumer.updateBeginningOffsets(zero);
        consumer.updateEndOffsets(zero);
        member = new GroupMember(new GroupMember.Options(TOPIC, "group", "instance-1", 10_000, HAND_OVER_MS,
                "deployment"), Properties::new, config -> consumer, files.lifecycle(),
                checkpoints, new FilePartitions(), work,
                new DefaultCamelContext(), List.of(), waits);
        member.start();
    }

    /** Waits until the group's thread has done what was scheduled before (a rebalance), and marks the steps. */
    private void groupGoesOn(String mark) {
        consumer.schedulePollTask(() -> steps.add("group: " + mark));
        await().atMost(Duration.ofSeconds(10)).until(() -> steps.contains("group: " + mark));
    }

    /** The group gives this instance these partitions, on the group's thread as Kafka does. */
    private void rebalance(Integer... partitions) {
        consumer.schedulePollTask(() -> consumer.rebalance(
                Arrays.stream(partitions).map(partition -> new TopicPartition(TOPIC, partition)).toList()));
    }

    /** Work whose takes record themselves, then wait until the test lets Kafka answer. */
    private PartitionWork takesWaitingFor(CountDownLatch kafkaAnswers) {
        return new RecordingWork(steps) {
            @Override
            public void take(Set<Integer> partitions) {
                super.take(partitions);
                waitFor(kafkaAnswers);
            }
        };
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new TimeoutException("the test did not let Kafka answer");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        }
    }

    /** Records what is read and forgotten of the partitions' checkpoints. */
    private class RecordingCheckpoints implements PartitionCheckpoints {
        @Override
        public void load(Set<Integer> filesPartitions) {
            steps.add("load " + new TreeSet<>(filesPartitions));
        }

        @Override
        public void forget(Set<Integer> filesPartitions) {
            steps.add("forget " + new TreeSet<>(filesPartitions));
        }
    }

    /**
     * A mock consumer whose poll, with nothing to return, waits as Kafka's does: until a task scheduled on the group's
     * thread waits to run (the mock runs one a poll), it is woken up, or its timeout ends (the mock itself returns at
     * once, which would spin the group's thread).
     */
    private static final class PacedConsumer extends MockConsumer<String, byte[]> {
        private final Object signal = new Object();
        private int tasksWaiting;
        private boolean wokenUp;

        PacedConsumer() {
            super("earliest");
        }

        @Override
        public ConsumerRecords<String, byte[]> poll(Duration timeout) {
            ConsumerRecords<String, byte[]> records = super.poll(timeout);
            if (records.isEmpty()) {
                awaitWork(timeout);
            }
            return records;
        }

        @Override
        public synchronized void schedulePollTask(Runnable task) {
            synchronized (signal) {
                tasksWaiting++;
                signal.notifyAll();
            }
            super.schedulePollTask(() -> {
                synchronized (signal) {
                    tasksWaiting--;
                }
                task.run();
            });
        }

        @Override
        public void wakeup() {
            super.wakeup();
            synchronized (signal) {
                wokenUp = true;
                signal.notifyAll();
            }
        }

        private void awaitWork(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (signal) {
                try {
                    for (long left = timeout.toMillis(); tasksWaiting == 0 && !wokenUp && left > 0;
                         left = (deadline - System.nanoTime()) / 1_000_000) {
                        signal.wait(left);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                wokenUp = false;
            }
        }
    }
}
