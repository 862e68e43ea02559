package org.acme.voicewebhooks.bargein;

import org.acme.voicewebhooks.cognigy.CognigyClientRoutes;
import org.acme.voicewebhooks.cognigy.CognigyCommand;
import org.acme.voicewebhooks.cognigy.CognigySettings;
import org.acme.voicewebhooks.duplicates.DuplicateGuard;
import org.acme.voicewebhooks.web.WebhookErrorHandling;
import org.acme.voicewebhooks.web.WebhookEvent;
import org.apache.camel.BeanInject;
import org.apache.camel.builder.RouteBuilder;

/** The two Cognigy commands of a barge-in; each leaves Cognigy's JSON answer in an exchange property. */
public final class BargeInCommandRoutes extends RouteBuilder {

    static final String DISABLED = "{\"action\":\"disabled\"}";

    @BeanInject
    private CognigySettings settings;
    @BeanInject
    private BargeInCommands bargeInCommands;

    @Override
    public void configure() {
        command("cognigy-abort-tts", "Stop text-to-speech in the caller's session", settings.abortTts(), "abort");
        command("cognigy-reset-state", "Reset the dialogue state so the flow recovers from the interrupt",
                settings.resetState(), "state");
    }

    /** {@code direct:<id>}: sends the command for the event in property "event"; Cognigy's answer goes to {@code result}. */
    private void command(String id, String description, CognigyCommand command, String result) {
        if (!command.enabled()) {
            from("direct:" + id).routeId(id).description(description + " (disabled by settings)")
                    .setProperty(result, constant(DISABLED));
            return;
        }
        from("direct:" + id).routeId(id).routeConfigurationId(WebhookErrorHandling.BARGE_IN)
                .description(description)
                .process(exchange -> {
                    BargeInEvent event = exchange.getProperty(WebhookEvent.PROPERTY, BargeInEvent.class);
                    exchange.setProperty(CognigyClientRoutes.COMMAND, id);
                    exchange.setProperty(CognigyClientRoutes.IDEMPOTENCY_KEY, CognigyClientRoutes.idempotencyKey(
                            exchange.getProperty(DuplicateGuard.KEY, String.class), id));
                    command.prepare(exchange, bargeInCommands.values(event), 422);
                })
                .to(CognigyClientRoutes.CALL)
                .setProperty(result, body());
    }
}
