package org.acme.voicewebhooks.asr;

import java.util.Map;

import org.acme.voicewebhooks.cognigy.CognigyClientRoutes;
import org.acme.voicewebhooks.cognigy.CognigySettings;
import org.acme.voicewebhooks.duplicates.DuplicateGuard;
import org.acme.voicewebhooks.web.WebhookErrorHandling;
import org.acme.voicewebhooks.web.WebhookEvent;
import org.apache.camel.BeanInject;
import org.apache.camel.builder.RouteBuilder;

/** The Cognigy command of the ASR webhook: inject a clarification into the session. */
public final class AsrCommandRoutes extends RouteBuilder {

    static final String CLARIFICATION = "{\"message\":\"repeat\",\"source\":\"asr_webhook\"}";

    @BeanInject
    private CognigySettings settings;

    @Override
    public void configure() {
        from("direct:cognigy-clarify").routeId("cognigy-clarify").routeConfigurationId(WebhookErrorHandling.ASR)
                .description("Inject a clarification so the flow asks the caller to repeat")
                .process(exchange -> {
                    AsrEvent event = exchange.getProperty(WebhookEvent.PROPERTY, AsrEvent.class);
                    exchange.setProperty(CognigyClientRoutes.COMMAND, "cognigy-clarify");
                    exchange.setProperty(CognigyClientRoutes.IDEMPOTENCY_KEY, CognigyClientRoutes.idempotencyKey(
                            exchange.getProperty(DuplicateGuard.KEY, String.class), "cognigy-clarify"));
                    exchange.setProperty(CognigyClientRoutes.PATH, settings.clarifyPath().expand(
                            Map.of("flowId", event.flowId(), "sessionId", event.sessionId())));
                    exchange.setProperty(CognigyClientRoutes.AUTH, CognigyClientRoutes.API_KEY);
                    exchange.getMessage().setBody(CLARIFICATION);
                })
                .to(CognigyClientRoutes.CALL);
    }
}
