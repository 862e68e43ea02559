package org.acme.voicewebhooks.bargein;

import org.acme.voicewebhooks.cognigy.CognigyClientRoutes;
import org.acme.voicewebhooks.cognigy.CognigyCommand;
import org.acme.voicewebhooks.cognigy.CognigySettings;
import org.acme.voicewebhooks.webhook.CommandFailures;
import org.acme.voicewebhooks.duplicates.DuplicateGuard;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.webhook.WebhookErrorHandling;
import org.acme.voicewebhooks.webhook.WebhookEvent;
import org.apache.camel.BeanInject;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;

/** The two Cognigy commands of a barge-in; each leaves Cognigy's JSON answer in an exchange property. */
public final class BargeInCommandRoutes extends RouteBuilder {

    static final String DISABLED = "{\"action\":\"disabled\"}";
    /** The failure noted before a command was sent: the command was acknowledged if it is still the one noted. */
    private static final String EARLIER_FAILURE = "bargeInEarlierFailure";

    @BeanInject
    private CognigySettings settings;
    @BeanInject
    private BargeInCommands bargeInCommands;
    @BeanInject
    private WebhookMetrics webhookMetrics;

    @Override
    public void configure() {
        command("cognigy-abort-tts", "Stop text-to-speech in the caller's session", settings.abortTts(), "abort",
                this::timeToStop);
        command("cognigy-reset-state", "Reset the dialogue state so the flow recovers from the interrupt",
                settings.resetState(), "state", null);
    }

    /** bargein.stop: from the barge-in's arrival to Cognigy's acknowledgement of the stop. */
    private void timeToStop(Exchange exchange) {
        webhookMetrics.bargeInStop(exchange.getClock().elapsed());
    }

    /**
     * {@code direct:<id>}: sends the command for the event in property "event"; Cognigy's answer goes to {@code result}
     * and {@code acknowledged}, if given, runs once Cognigy has acknowledged it.
     */
    private void command(String id, String description, CognigyCommand command, String result, Processor acknowledged) {
        if (!command.enabled()) {
            from("direct:" + id).routeId(id).description(description + " (disabled by settings)")
                    .setProperty(result, constant(DISABLED));
            return;
        }
        RouteDefinition route = from("direct:" + id).routeId(id).routeConfigurationId(WebhookErrorHandling.BARGE_IN)
                .description(description)
                .process(exchange -> {
                    BargeInEvent event = exchange.getProperty(WebhookEvent.PROPERTY, BargeInEvent.class);
                    exchange.setProperty(CognigyClientRoutes.COMMAND, id);
                    exchange.setProperty(CognigyClientRoutes.IDEMPOTENCY_KEY, CognigyClientRoutes.idempotencyKey(
                            exchange.getProperty(DuplicateGuard.KEY, String.class), id));
                    command.prepare(exchange, bargeInCommands.values(event), 422);
                    exchange.setProperty(EARLIER_FAILURE, exchange.getProperty(CommandFailures.PROPERTY));
                });
        route.to(CognigyClientRoutes.CALL)
                .setProperty(result, body());
        if (acknowledged != null) {
            // a command given up is noted as a failure (CognigyRedelivery) and the route goes on without one
            route.filter(exchange -> exchange.getProperty(CommandFailures.PROPERTY) == exchange.getProperty(EARLIER_FAILURE))
                    .process(acknowledged)
                    .end();
        }
        route.removeProperty(EARLIER_FAILURE);
    }
}
