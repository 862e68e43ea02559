package org.acme.voicewebhooks.bargein;

import java.util.Map;

import org.acme.voicewebhooks.cognigy.CognigyClientRoutes;
import org.acme.voicewebhooks.cognigy.CognigySettings;
import org.acme.voicewebhooks.web.WebhookErrorHandling;
import org.acme.voicewebhooks.web.WebhookEvent;
import org.apache.camel.BeanInject;
import org.apache.camel.builder.RouteBuilder;

/** The two Cognigy commands of a barge-in; each leaves Cognigy's JSON answer in an exchange property. */
public final class BargeInCommandRoutes extends RouteBuilder {

    @BeanInject
    private CognigySettings settings;
    @BeanInject
    private BargeInCommands bargeInCommands;

    @Override
    public void configure() {
        from("direct:cognigy-abort-tts").routeId("cognigy-abort-tts").routeConfigurationId(WebhookErrorHandling.ID)
                .description("Stop text-to-speech in the caller's session")
                .process(exchange -> {
                    BargeInEvent event = exchange.getProperty(WebhookEvent.PROPERTY, BargeInEvent.class);
                    exchange.setProperty(CognigyClientRoutes.PATH, settings.abortTtsPath().expand(Map.of("sessionId", event.sessionId())));
                    exchange.getMessage().setBody(bargeInCommands.stop(event));
                })
                .to(CognigyClientRoutes.CALL)
                .setProperty("abort", body());

        from("direct:cognigy-reset-state").routeId("cognigy-reset-state").routeConfigurationId(WebhookErrorHandling.ID)
                .description("Reset the dialogue state so the flow recovers from the interrupt")
                .process(exchange -> {
                    BargeInEvent event = exchange.getProperty(WebhookEvent.PROPERTY, BargeInEvent.class);
                    exchange.setProperty(CognigyClientRoutes.PATH, settings.resetStatePath().expand(Map.of("sessionId", event.sessionId())));
                    exchange.getMessage().setBody(bargeInCommands.resetState(event));
                })
                .to(CognigyClientRoutes.CALL)
                .setProperty("state", body());
    }
}
