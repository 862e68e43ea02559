package org.acme.voicewebhooks.deadletter;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.acme.voicewebhooks.cognigy.CognigySettings;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.settings.BeansSupport;
import org.acme.voicewebhooks.settings.Settings;
import org.acme.voicewebhooks.stores.RabbitMq;
import org.acme.voicewebhooks.stores.RabbitMqStoreHealth;
import org.acme.voicewebhooks.webhook.Budget;
import org.acme.voicewebhooks.webhook.CommandFailures;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.apache.camel.spi.Registry;
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
    public DeadLetterStoreHealth deadLetterStoreHealth(Settings settings) {
        return once("deadLetterStoreHealth", () -> {
            DeadLetterStoreHealth health = new DeadLetterStoreHealth(settings.text("deadletter.endpoint").startsWith("file:")
                    ? Path.of(settings.text("deadletter.dir")) : null, Clock.systemUTC());
            health.probeAtStartUp();
            return health;
        });
    }

    /** The entries of commands Cognigy never acknowledged, and the calls that replay them. */
    @BindToRegistry
    public DeadLetters deadLetters(Settings settings, @BeanInject("jsonMapper") ObjectMapper json, CognigySettings cognigy) {
        return once("deadLetters", () -> new DeadLetters(json, cognigy.baseUrl(), settings.instanceName(), Clock.systemUTC()));
    }

    /** The entry of the call in property cognigyCall and the failure just caught. */
    @BindToRegistry
    public Processor deadLetterEntry(Settings settings, @BeanInject("jsonMapper") ObjectMapper json, CognigySettings cognigy) {
        return once("deadLetterEntry", () -> deadLetters(settings, json, cognigy)::toEntry);
    }

    /** DEAD_LETTER_STORE=rabbitmq: the quorum queue; bound only then. */
    @BindToRegistry
    public DeadLetterQueue deadLetterQueue(Settings settings, Registry registry, Budget budget, WebhookMetrics metrics,
            @BeanInject("sharedPrefix") String prefix) {
        return once("deadLetterQueue", () -> {
            RabbitMq rabbit = registry.lookupByNameAndType("rabbitMq", RabbitMq.class);
            return rabbit != null && settings.text("deadletter.store").equals("rabbitmq")
                    ? new DeadLetterQueue(rabbit, prefix, settings.number("rabbitmq.confirm-timeout-ms", 10, 60_000),
                            budget.budgetMs(), metrics)
                    : null;
        });
    }

    /** Publishes the entry to the queue (confirmed, or left to the file store); nothing to do with files alone. */
    @BindToRegistry
    public Processor deadLetterQueuePublish(Settings settings, Registry registry, Budget budget, WebhookMetrics metrics,
            @BeanInject("sharedPrefix") String prefix) {
        return once("deadLetterQueuePublish", () -> {
            DeadLetterQueue queue = deadLetterQueue(settings, registry, budget, metrics, prefix);
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
    public Processor deadLetterStored(Settings settings) {
        return once("deadLetterStored", () -> {
            DeadLetterStoreHealth health = deadLetterStoreHealth(settings);
            return exchange -> health.stored();
        });
    }

    /** The store refused the entry: readiness down, and the webhook may only answer 503. */
    @BindToRegistry
    public Processor deadLetterStoreFailed(Settings settings) {
        return once("deadLetterStoreFailed", () -> {
            DeadLetterStoreHealth health = deadLetterStoreHealth(settings);
            return exchange -> {
                health.failed();
                CommandFailures.storeUnavailable(exchange);
            };
        });
    }

    /** A HealthCheck bean joins readiness: the queue is down while RabbitMQ refuses the URL's vhost. */
    @BindToRegistry
    public RabbitMqStoreHealth deadLetterQueueHealth(Settings settings, Registry registry) {
        return once("deadLetterQueueHealth", () -> {
            RabbitMq rabbit = registry.lookupByNameAndType("rabbitMq", RabbitMq.class);
            return rabbit != null && settings.text("deadletter.store").equals("rabbitmq")
                    ? new RabbitMqStoreHealth("dead-letter-queue", rabbit,
                            "dead letters go to the file store, and replay answers 503") : null;
        });
    }

    /** Re-sends chosen dead letters; its ledger of replayed ids is opened by the first replay. */
    @BindToRegistry
    public DeadLetterReplay deadLetterReplay(Settings settings, Registry registry, @BeanInject("jsonMapper") ObjectMapper json,
            CognigySettings cognigy) {
        return once("deadLetterReplay", () -> {
            Path deadLetterDir = Path.of(settings.required("deadletter.dir", "DEAD_LETTER_DIR"));
            DeadLetters deadLetters = deadLetters(settings, json, cognigy);
            // the ledger of replayed ids: recent ones cached, every one checked against the file, never trimmed
            return new DeadLetterReplay(json, deadLetterDir,
                    Duration.ofSeconds(settings.number("deadletter.replay-max-age-seconds", 1, 31_536_000)),
                    () -> FileIdempotentRepository.fileIdempotentRepository(deadLetterDir.resolve("replayed-ids.txt").toFile(),
                            10_000, 0),
                    settings.instanceName(), Clock.systemUTC(),
                    () -> registry.lookupByNameAndType("deadLetterQueue", DeadLetterQueue.class),
                    (int) settings.number("deadletter.replay-max-attempts", 1, 1_000),
                    entry -> deadLetters.replayCall(entry, cognigy));
        });
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        context.addService(context.getRegistry().lookupByNameAndType("deadLetterReplay", DeadLetterReplay.class));
        DeadLetterQueue queue = context.getRegistry().lookupByNameAndType("deadLetterQueue", DeadLetterQueue.class);
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
