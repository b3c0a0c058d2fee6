package tmdb.ingestion;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.main.MainSupport;
import org.apache.camel.spi.ShutdownStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.config.PropertySources;
import tmdb.ingestion.config.Settings;
import tmdb.ingestion.config.StopDeadline;
import tmdb.ingestion.file.FileTracker;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.group.GroupMember;
import tmdb.ingestion.monitor.RunCompletion;
import tmdb.ingestion.producer.KafkaReachability;
import tmdb.ingestion.producer.KafkaTopics;
import tmdb.ingestion.producer.PartitionSenders;

/**
 * The application's start and stop: environment variables as a property source, a check that the cluster
 * answers and has the topics the run writes, joining the group once every route runs, the end of a once run, and a
 * stop that fits its grace period (leaving the group last, so that the next owners find the checkpoints saved).
 */
final class ApplicationLifecycle extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ApplicationLifecycle.class);

    private volatile RunCompletion completion;

    @Override
    public void beforeInitialize(BaseMainSupport main) {
        PropertySources.installEnvironment(main.getCamelContext());
    }

    /** Components are configured now: check the cluster with the producer's own settings. */
    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        Settings settings = new Settings(context);
        KafkaConfiguration producer = context.getComponent("kafka", KafkaComponent.class).getConfiguration();
        int timeoutMs = settings.integer("kafka.connect-timeout-ms");
        if (!settings.string("kafka.bootstrap-servers").isEmpty()) {
            KafkaReachability.require(producer, settings.string("kafka.bootstrap-servers"), timeoutMs);
        }
        bean(context, "kafkaTopics", KafkaTopics.class).require(
                KafkaReachability.adminConfig(producer, producer.getBrokers(), timeoutMs), producer.getBrokers(),
                timeoutMs);
    }

    @Override
    public void afterStart(BaseMainSupport main) {
        completion = bean(main.getCamelContext(), "runCompletion", RunCompletion.class);
        if (main instanceof MainSupport stoppable) {
            completion.onComplete(stoppable::completed);
        }
        PartitionSenders senders = bean(main.getCamelContext(), "transactionalSender", PartitionSenders.class);
        if (senders != null) {
            senders.onFenced(completion::abort);
        }
        GroupMember member = bean(main.getCamelContext(), "groupMember", GroupMember.class);
        member.onExpelled(completion::abort);
        member.start();
    }

    /**
     * The stop fits {@code ingestion.shutdown.grace-period-ms}: readers stop at their next line; records in flight
     * get two thirds of it to be acknowledged; every file not settled keeps its checkpoint and stays in place; Camel's
     * shutdown and the Kafka clients' close share what is left (see {@link StopDeadline}).
     */
    @Override
    public void beforeStop(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        if (completion == null) {
            return;
        }
        long graceMs = new Settings(context).longValue("ingestion.shutdown.grace-period-ms");
        StopDeadline deadline = bean(context, "stopDeadline", StopDeadline.class);
        deadline.start(Duration.ofMillis(graceMs));
        Duration keptForTheRest = Duration.ofMillis(graceMs / 3);
        FileTracker files = bean(context, "fileTracker", FileTracker.class);
        files.stopReading();
        InFlightBudget budget = bean(context, "inFlightBudget", InFlightBudget.class);
        Duration drain = deadline.remainingLess(keptForTheRest);
        try {
            if (!budget.awaitDrained(drain.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Stopping with {} bytes of records still unacknowledged after {} ms: their files stay in "
                        + "place and are read again at the next start", budget.bytesInFlight(), drain.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        files.interruptUnsettled(deadline.remainingLess(keptForTheRest.dividedBy(2)));
        bean(context, "groupMember", GroupMember.class).leave(deadline.remainingLess(keptForTheRest.dividedBy(2)));
        ShutdownStrategy shutdown = context.getShutdownStrategy();
        shutdown.setTimeUnit(TimeUnit.MILLISECONDS);
        shutdown.setTimeout(Math.max(1, deadline.remainingLess(keptForTheRest.dividedBy(4)).toMillis()));
    }

    int exitCode() {
        return completion == null ? 1 : completion.exitCode();
    }

    private static <T> T bean(CamelContext context, String name, Class<T> type) {
        return context.getRegistry().lookupByNameAndType(name, type);
    }
}
