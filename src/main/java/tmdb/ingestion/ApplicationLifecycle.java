package tmdb.ingestion;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.main.MainSupport;
import org.apache.camel.spi.ShutdownStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tmdb.ingestion.config.ConfigurationException;
import tmdb.ingestion.config.KafkaNotReachableException;
import tmdb.ingestion.config.PropertySources;
import tmdb.ingestion.config.RunMode;
import tmdb.ingestion.config.Settings;
import tmdb.ingestion.config.StopDeadline;
import tmdb.ingestion.file.FileLifecycle;
import tmdb.ingestion.group.GroupMember;
import tmdb.ingestion.group.KafkaWaits;
import tmdb.ingestion.loader.AnnouncementEndQueue;
import tmdb.ingestion.monitor.RunCompletion;
import tmdb.ingestion.producer.KafkaReachability;
import tmdb.ingestion.producer.KafkaTopics;
import tmdb.ingestion.producer.PartitionSenders;

/**
 * The application's start and stop: environment variables as a property source, a check that the cluster answers
 * and has the topics the run writes, joining the group once every route runs, the end of a once run, and a stop that
 * fits its grace period (leaving the group last, so that the next owners find the checkpoints saved).
 * <p>
 * A once run checks the cluster before anything starts and ends with status 2 when it does not answer within
 * {@code kafka.connect-timeout-ms}. A watch-mode instance is a service: started before Kafka (a compose file, a
 * rollout), it comes up, says once a minute what it waits for (readiness down, saying it too), and goes on when Kafka
 * answers; only a wrong configuration (refused credentials, a missing topic it may not create) stops it.
 */
final class ApplicationLifecycle extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ApplicationLifecycle.class);
    private static final long REMINDER_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final String STARTING = "starting";

    private volatile RunCompletion completion;
    private volatile boolean configurationFailed;

    @Override
    public void beforeInitialize(BaseMainSupport main) {
        PropertySources.installEnvironment(main.getCamelContext());
    }

    /** Components are configured now: a once run checks the cluster with the producer's own settings. */
    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        if (mode(context) == RunMode.ONCE) {
            requireKafka(context, new Settings(context).integer("kafka.connect-timeout-ms"));
        }
    }

    private static RunMode mode(CamelContext context) {
        return new Settings(context).choice("ingestion.mode", RunMode.class);
    }

    /** The cluster answers and has every topic the run writes (the missing ones created), or this throws. */
    private static void requireKafka(CamelContext context, int timeoutMs) {
        Settings settings = new Settings(context);
        KafkaConfiguration producer = context.getComponent("kafka", KafkaComponent.class).getConfiguration();
        if (!settings.string("kafka.bootstrap-servers").isEmpty()) {
            KafkaReachability.require(producer, settings.string("kafka.bootstrap-servers"), timeoutMs);
        }
        bean(context, "kafkaTopics", KafkaTopics.class).require(
                KafkaReachability.adminConfig(producer, producer.getBrokers(), timeoutMs), producer.getBrokers(),
                timeoutMs);
    }

    @Override
    public void afterStart(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        completion = bean(context, "runCompletion", RunCompletion.class);
        if (main instanceof MainSupport stoppable) {
            completion.onComplete(stoppable::completed);
        }
        GroupMember member = bean(context, "groupMember", GroupMember.class);
        Runnable stopNow = () -> {
            member.stopTaking();
            completion.abort();
        };
        PartitionSenders senders = bean(context, "transactionalSender", PartitionSenders.class);
        if (senders != null) {
            senders.onFenced(stopNow);
        }
        member.onExpelled(stopNow);
        if (mode(context) == RunMode.ONCE) {
            member.start();
            return;
        }
        Thread start = new Thread(() -> {
            if (awaitKafka(context)) {
                member.start();
            }
        }, "Kafka start");
        start.setDaemon(true);
        start.start();
    }

    /**
     * Waits for the cluster, for as long as it takes: true once it answers and has the topics; false on a wrong
     * configuration, which stops the instance (status 2).
     */
    private boolean awaitKafka(CamelContext context) {
        Settings settings = new Settings(context);
        KafkaWaits waits = bean(context, "kafkaWaits", KafkaWaits.class);
        int timeoutMs = settings.integer("kafka.connect-timeout-ms");
        long lastSaid = 0;
        boolean waited = false;
        waits.waiting(STARTING, "connecting to Kafka, its topics not checked yet");
        while (!context.isStopping() && !context.isStopped()) {
            try {
                requireKafka(context, timeoutMs);
                waits.done(STARTING);
                if (waited) {
                    LOG.info("Kafka answers: this instance joins its group now");
                }
                return true;
            } catch (KafkaNotReachableException e) {
                waits.waiting(STARTING, e.getMessage());
                long now = System.nanoTime();
                if (!waited || now - lastSaid >= REMINDER_NANOS) {
                    LOG.warn("Waiting for Kafka to start ingesting: {} This instance stays up and tries again "
                            + "(readiness is down meanwhile)", e.getMessage());
                    lastSaid = now;
                }
                waited = true;
                pause(timeoutMs);
            } catch (ConfigurationException e) {
                LOG.error("Configuration error: {}", e.getMessage());
                configurationFailed = true;
                completion.abort();
                return false;
            }
        }
        return false;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(Math.min(millis, 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The stop fits {@code ingestion.shutdown.grace-period-ms}: no partition is taken any more; readers stop at their
     * next line; records in flight get two thirds of it to be acknowledged; every file not settled keeps its
     * checkpoint and stays in place; the ends of the settled files' announcements are written; Camel's shutdown and the
     * Kafka clients' close share what is left (see {@link StopDeadline}).
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
        Duration drain = deadline.remainingLess(keptForTheRest);
        Duration save = keptForTheRest.dividedBy(4);
        GroupMember member = bean(context, "groupMember", GroupMember.class);
        member.stopTaking();
        FileLifecycle files = bean(context, "fileLifecycle", FileLifecycle.class);
        try {
            files.stopIngesting(drain, save).get(drain.plus(save).toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("The files were not all let go within the grace period: the next start resumes them from their "
                    + "last checkpoints ({})", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        AnnouncementEndQueue announcementEnds = bean(context, "announcementEndQueue", AnnouncementEndQueue.class);
        try {
            if (!announcementEnds.awaitWritten(deadline.remainingLess(keptForTheRest))) {
                LOG.info("The ends of {} files' announcements were not written before the stop: whoever owns their "
                        + "files partitions next checks them and finds the files gone or finished",
                        announcementEnds.inFlight());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        member.leave(deadline.remainingLess(keptForTheRest.dividedBy(2)));
        member.stop();
        ShutdownStrategy shutdown = context.getShutdownStrategy();
        shutdown.setTimeUnit(TimeUnit.MILLISECONDS);
        shutdown.setTimeout(Math.max(1, deadline.remainingLess(keptForTheRest.dividedBy(4)).toMillis()));
    }

    int exitCode() {
        if (configurationFailed) {
            return IngestionApplication.EXIT_CONFIGURATION_ERROR;
        }
        return completion == null ? 1 : completion.exitCode();
    }

    private static <T> T bean(CamelContext context, String name, Class<T> type) {
        return context.getRegistry().lookupByNameAndType(name, type);
    }
}
