package org.acme.voicewebhooks.deadletter;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.acme.voicewebhooks.cognigy.CognigySettings;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.settings.Settings;
import org.acme.voicewebhooks.stores.RabbitMq;
import org.acme.voicewebhooks.stores.RabbitMqStoreHealth;
import org.acme.voicewebhooks.webhook.Budget;
import org.apache.camel.BeanInject;
import org.acme.voicewebhooks.settings.BeansSupport;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/** The dead-letter store (files, or a RabbitMQ queue falling back to them), its readiness check and the replay. */
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

    /** The entry of a command Cognigy never acknowledged. */
    @BindToRegistry
    public DeadLetters deadLetters(Settings settings, @BeanInject("jsonMapper") ObjectMapper json, CognigySettings cognigy) {
        return once("deadLetters", () -> new DeadLetters(json, cognigy.baseUrl(), settings.instanceName(), Clock.systemUTC()));
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

    /** Re-sends chosen dead letters; bound only when ADMIN_API_KEY is set (the endpoint exists only then). */
    @BindToRegistry
    public DeadLetterReplay deadLetterReplay(Settings settings, Registry registry, @BeanInject("jsonMapper") ObjectMapper json) {
        return once("deadLetterReplay", () -> {
            if (settings.optional("admin.api-key").isEmpty()) {
                return null;
            }
            Path deadLetterDir = Path.of(settings.required("deadletter.dir", "DEAD_LETTER_DIR"));
            // the ledger of replayed ids: recent ones cached, every one checked against the file, never trimmed
            return new DeadLetterReplay(json, deadLetterDir,
                    Duration.ofSeconds(settings.number("deadletter.replay-max-age-seconds", 1, 31_536_000)),
                    () -> FileIdempotentRepository.fileIdempotentRepository(deadLetterDir.resolve("replayed-ids.txt").toFile(),
                            10_000, 0),
                    settings.instanceName(), Clock.systemUTC(),
                    () -> registry.lookupByNameAndType("deadLetterQueue", DeadLetterQueue.class),
                    (int) settings.number("deadletter.replay-max-attempts", 1, 1_000));
        });
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        DeadLetterReplay replay = context.getRegistry().lookupByNameAndType("deadLetterReplay", DeadLetterReplay.class);
        if (replay != null) {
            context.addService(replay);
        }
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
