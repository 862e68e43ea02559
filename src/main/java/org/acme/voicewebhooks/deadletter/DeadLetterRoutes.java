package org.acme.voicewebhooks.deadletter;

import org.acme.voicewebhooks.cognigy.CognigyRedelivery;
import org.acme.voicewebhooks.webhook.CommandFailures;
import org.acme.voicewebhooks.webhook.WebhookErrorHandling;
import org.acme.voicewebhooks.webhook.WebhookEvent;
import org.apache.camel.BeanInject;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.PropertyInject;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps every command Cognigy never acknowledged in the dead-letter store before the webhook answers. */
public final class DeadLetterRoutes extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger("dead-letter-store");

    @BeanInject
    private DeadLetters deadLetters;
    @BeanInject
    private DeadLetterStoreHealth deadLetterStoreHealth;
    @PropertyInject(value = "admin.api-key", defaultValue = "")
    private String adminKey;

    private DeadLetterQueue deadLetterQueue;

    @Override
    public void configure() {
        deadLetterQueue = getContext().getRegistry().lookupByNameAndType("deadLetterQueue", DeadLetterQueue.class);
        // starts early so it stops late: webhooks still finishing on shutdown can dead-letter
        from(CognigyRedelivery.DEAD_LETTER).routeId("dead-letter-store").startupOrder(2)
                .description("Write the failed command to the dead-letter store (a file by default: flushed and synced; "
                        + "or a RabbitMQ queue, falling back to the file); a store that cannot take it makes the webhook answer 503")
                .setProperty("sessionLogId", method(DeadLetterRoutes.class, "sessionLogId"))
                .process(deadLetters::toEntry)
                .doTry()
                    // DEAD_LETTER_STORE=rabbitmq: the queue first; what it does not confirm goes to the file store
                    .process(this::toQueue)
                    .filter(exchangeProperty(DeadLetterQueue.QUEUED).isNotEqualTo(true))
                        .to("{{deadletter.endpoint}}").id("store-dead-letter")
                    .endDoTry()
                    .process(exchange -> deadLetterStoreHealth.stored())
                    .to("micrometer:counter:webhooks.dead.letters?tags.command=${exchangeProperty.cognigyCommand}")
                    .log(LoggingLevel.ERROR, LOG, "dead-lettered command ${exchangeProperty.cognigyCommand} of session "
                            + "${exchangeProperty.sessionLogId} id=${exchangeProperty.deadLetterId} correlationId=${exchangeId}")
                .doCatch(Exception.class)
                    .process(exchange -> {
                        deadLetterStoreHealth.failed();
                        CommandFailures.storeUnavailable(exchange);
                    })
                    .to("micrometer:counter:webhooks.dead.letters.failed?tags.command=${exchangeProperty.cognigyCommand}")
                    .log(LoggingLevel.ERROR, LOG, "dead-letter store unavailable: command ${exchangeProperty.cognigyCommand} "
                            + "of session ${exchangeProperty.sessionLogId} is not stored (${exception.class.simpleName}), "
                            + "answered 503 correlationId=${exchangeId}")
                .end();

        if (!adminKey.isBlank()) {
            from("platform-http:{{admin.path}}/dead-letters/replay?httpMethodRestrict=POST&populateBodyWithForm=false")
                    .routeId("dead-letter-replay").routeConfigurationId(WebhookErrorHandling.ADMIN)
                    .description("Re-send chosen dead letters (all, one session's, a time range), each at most once")
                    .process("adminApiKey")
                    .bean("deadLetterReplay", "replay")
                    .log("dead-letter replay: ${body}");
        }
    }

    /** Publishes the entry to the RabbitMQ queue, when dead letters go there. */
    private void toQueue(Exchange exchange) {
        if (deadLetterQueue != null) {
            deadLetterQueue.store(exchange);
        }
    }

    public static String sessionLogId(@ExchangeProperty(WebhookEvent.PROPERTY) WebhookEvent event) {
        return event == null ? "-" : event.logId();
    }
}
