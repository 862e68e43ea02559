package org.acme.voicewebhooks.bargein;

import java.util.Map;
import java.util.function.Function;

import org.acme.voicewebhooks.cognigy.CognigyClientRoutes;
import org.acme.voicewebhooks.cognigy.CognigySettings;
import org.acme.voicewebhooks.cognigy.PathTemplate;
import org.acme.voicewebhooks.duplicates.DuplicateGuard;
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
        command("cognigy-abort-tts", "Stop text-to-speech in the caller's session",
                settings.abortTtsPath(), bargeInCommands::stop, "abort");
        command("cognigy-reset-state", "Reset the dialogue state so the flow recovers from the interrupt",
                settings.resetStatePath(), bargeInCommands::resetState, "state");
    }

    /** {@code direct:<id>}: posts the command for the event in property "event"; Cognigy's answer goes to {@code result}. */
    private void command(String id, String description, PathTemplate path, Function<BargeInEvent, String> body,
            String result) {
        from("direct:" + id).routeId(id).routeConfigurationId(WebhookErrorHandling.BARGE_IN)
                .description(description)
                .process(exchange -> {
                    BargeInEvent event = exchange.getProperty(WebhookEvent.PROPERTY, BargeInEvent.class);
                    exchange.setProperty(CognigyClientRoutes.COMMAND, id);
                    exchange.setProperty(CognigyClientRoutes.IDEMPOTENCY_KEY, CognigyClientRoutes.idempotencyKey(
                            exchange.getProperty(DuplicateGuard.KEY, String.class), id));
                    exchange.setProperty(CognigyClientRoutes.PATH, path.expand(Map.of("sessionId", event.sessionId())));
                    exchange.getMessage().setBody(body.apply(event));
                })
                .to(CognigyClientRoutes.CALL)
                .setProperty(result, body());
    }
}
