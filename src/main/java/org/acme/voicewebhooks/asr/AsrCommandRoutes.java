package org.acme.voicewebhooks.asr;

import java.util.HashMap;
import java.util.Map;

import org.acme.voicewebhooks.cognigy.CognigyClientRoutes;
import org.acme.voicewebhooks.cognigy.CognigyCommand;
import org.acme.voicewebhooks.cognigy.CognigySettings;
import org.acme.voicewebhooks.duplicates.DuplicateGuard;
import org.acme.voicewebhooks.webhook.WebhookErrorHandling;
import org.acme.voicewebhooks.webhook.WebhookEvent;
import org.apache.camel.BeanInject;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/** The Cognigy command of the ASR webhook: inject a clarification into the session. */
public final class AsrCommandRoutes extends RouteBuilder {

    private static final String ID = "cognigy-clarify";

    @BeanInject
    private CognigySettings settings;

    @Override
    public void configure() {
        ClarificationGuard guard = getContext().getRegistry().lookupByNameAndType("clarificationGuard", ClarificationGuard.class);
        {
            long cleanupMs = getContext().getPropertiesComponent().resolveProperty("duplicates.store-cleanup-ms")
                    .map(Long::parseLong).orElse(60_000L);
            from("timer:asr-clarifications-cleanup?period=" + cleanupMs + "&delay=" + cleanupMs)
                    .routeId("asr-clarifications-cleanup")
                    .description("Delete the sessions of the shared clarification count whose window is over "
                            + "(PostgreSQL down: counted and tried again next time)")
                    .process(exchange -> exchange.getMessage().setBody(guard.removeExpiredShared()))
                    .filter(simple("${body} > 0"))
                        .log(LoggingLevel.DEBUG, "asr: ${body} expired sessions deleted from the shared clarification count");
        }
        CognigyCommand clarify = settings.clarify();
        if (!clarify.enabled()) {
            from("direct:" + ID).routeId(ID).description("Clarification (disabled by settings)").log("clarification disabled");
            return;
        }
        from("direct:" + ID).routeId(ID).routeConfigurationId(WebhookErrorHandling.ASR)
                .description("Inject a clarification so the flow asks the caller to repeat")
                .process(exchange -> {
                    AsrEvent event = exchange.getProperty(WebhookEvent.PROPERTY, AsrEvent.class);
                    exchange.setProperty(CognigyClientRoutes.COMMAND, ID);
                    exchange.setProperty(CognigyClientRoutes.IDEMPOTENCY_KEY, CognigyClientRoutes.idempotencyKey(
                            exchange.getProperty(DuplicateGuard.KEY, String.class), ID));
                    clarify.prepare(exchange, values(event), 400);
                })
                .to(CognigyClientRoutes.CALL);
    }

    /** sessionId, flowId, nodeId, utterance, confidence, text, userId, urlToken. */
    static Map<String, Object> values(AsrEvent event) {
        Map<String, Object> values = new HashMap<>();
        values.put("sessionId", event.sessionId());
        values.put("flowId", event.flowId());
        values.put("nodeId", event.nodeId());
        values.put("utterance", event.utterance());
        values.put("confidence", event.confidence());
        values.put("text", event.asr().text());
        values.put("userId", event.userId());
        values.put("urlToken", event.urlToken());
        return values;
    }
}
