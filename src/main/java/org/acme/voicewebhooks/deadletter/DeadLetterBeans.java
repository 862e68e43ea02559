package org.acme.voicewebhooks.deadletter;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import org.acme.voicewebhooks.cognigy.CognigySettings;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.settings.BeansSupport;
import org.acme.voicewebhooks.settings.Settings;
import org.acme.voicewebhooks.stores.RabbitMq;
import org.acme.voicewebhooks.stores.RabbitMqStoreHealth;
import org.acme.voicewebhooks.webhook.Budget;
import org.acme.voicewebhooks.webhook.CommandFailures;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The dead-letter store of routes/dead-letters.camel.yaml (files, or a RabbitMQ queue falling back to them), its
 * readiness check and the replay.
 */
@Configuration
public class DeadLetterBeans extends BeansSupport {

    /** A HealthCheck bean joins readiness: down while the dead-letter store cannot write. */
    @BindToRegistry
    public DeadLetterStoreHealth deadLetterStoreHealth() {
        return once("deadLetterStoreHealth", () -> {
            Settings settings = settings();
            DeadLetterStoreHealth health = new DeadLetterStoreHealth(settings.text("deadletter.endpoint").startsWith("file:")
                    ? Path.of(settings.text("deadletter.dir")) : null, Clock.systemUTC());
            health.probeAtStartUp();
            return health;
        });
    }

    /** The entries of commands Cognigy never acknowledged, and the calls that replay them. */
    @BindToRegistry
    public DeadLetters deadLetters() {
        return once("deadLetters", () -> new DeadLetters(json(), cognigy().baseUrl(), settings().instanceName(), Clock.systemUTC()));
    }

    /** The entry of the call in property cognigyCall and the failure just caught. */
    @BindToRegistry
    public Processor deadLetterEntry() {
        return once("deadLetterEntry", () -> deadLetters()::toEntry);
    }

    /** DEAD_LETTER_STORE=rabbitmq: the quorum queue; bound only then. */
    @BindToRegistry
    public DeadLetterQueue deadLetterQueue() {
        return once("deadLetterQueue", () -> {
            Settings settings = settings();
            RabbitMq rabbit = bean("rabbitMq", RabbitMq.class);
            return rabbit != null && settings.text("deadletter.store").equals("rabbitmq")
                    ? new DeadLetterQueue(rabbit, sharedPrefix(), settings.number("rabbitmq.confirm-timeout-ms", 10, 60_000),
                            bean("budget", Budget.class).budgetMs(), bean("webhookMetrics", WebhookMetrics.class))
                    : null;
        });
    }

    /** Publishes the entry to the queue (confirmed, or left to the file store); nothing to do with files alone. */
    @BindToRegistry
    public Processor deadLetterQueuePublish() {
        return once("deadLetterQueuePublish", () -> {
            DeadLetterQueue queue = deadLetterQueue();
            return queue == null ? exchange -> { } : queue::store;
        });
    }

    /** The queue did not take the entry (or there is none): the file store does. */
    @BindToRegistry
    public Predicate deadLetterNotQueued() {
        return once("deadLetterNotQueued",
                () -> exchange -> !exchange.getProperty(DeadLetterQueue.QUEUED, false, Boolean.class));
    }

    @BindToRegistry
    public Processor deadLetterStored() {
        return once("deadLetterStored", () -> {
            DeadLetterStoreHealth health = deadLetterStoreHealth();
            return exchange -> health.stored();
        });
    }

    /** The store refused the entry: readiness down, and the webhook may only answer 503. */
    @BindToRegistry
    public Processor deadLetterStoreFailed() {
        return once("deadLetterStoreFailed", () -> {
            DeadLetterStoreHealth health = deadLetterStoreHealth();
            return exchange -> {
                health.failed();
                CommandFailures.storeUnavailable(exchange);
            };
        });
    }

    /** A HealthCheck bean joins readiness: the queue is down while RabbitMQ refuses the URL's vhost. */
    @BindToRegistry
    public RabbitMqStoreHealth deadLetterQueueHealth() {
        return once("deadLetterQueueHealth", () -> {
            RabbitMq rabbit = bean("rabbitMq", RabbitMq.class);
            return rabbit != null && settings().text("deadletter.store").equals("rabbitmq")
                    ? new RabbitMqStoreHealth("dead-letter-queue", rabbit,
                            "dead letters go to the file store, and replay answers 503") : null;
        });
    }

    /** Re-sends chosen dead letters; its ledger of replayed ids is opened by the first replay. */
    @BindToRegistry
    public DeadLetterReplay deadLetterReplay() {
        return once("deadLetterReplay", () -> {
            Settings settings = settings();
            CognigySettings cognigy = cognigy();
            Path deadLetterDir = Path.of(settings.required("deadletter.dir", "DEAD_LETTER_DIR"));
            DeadLetters deadLetters = deadLetters();
            // the ledger of replayed ids: recent ones cached, every one checked against the file, never trimmed
            return new DeadLetterReplay(json(), deadLetterDir,
                    Duration.ofSeconds(settings.number("deadletter.replay-max-age-seconds", 1, 31_536_000)),
                    () -> FileIdempotentRepository.fileIdempotentRepository(deadLetterDir.resolve("replayed-ids.txt").toFile(),
                            10_000, 0),
                    settings.instanceName(), Clock.systemUTC(),
                    () -> bean("deadLetterQueue", DeadLetterQueue.class),
                    (int) settings.number("deadletter.replay-max-attempts", 1, 1_000),
                    entry -> deadLetters.replayCall(entry, cognigy));
        });
    }

    private CognigySettings cognigy() {
        return bean("cognigySettings", CognigySettings.class);
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        context.addService(deadLetterReplay());
        DeadLetterQueue queue = deadLetterQueue();
        if (queue != null) {
            // declares its queues as the service starts
            context.addService(new ServiceSupport() {
                @Override
                protected void doStart() {
                    queue.start();
                }
            }, true, true);
        }
    }
}
