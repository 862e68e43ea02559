package org.acme.voicewebhooks.bargein;

import java.util.HashMap;

import org.acme.voicewebhooks.cognigy.CognigyCommand;
import org.acme.voicewebhooks.duplicates.DuplicateGuard;
import org.acme.voicewebhooks.webhook.WebhookEvent;
import org.apache.camel.Expression;
import org.apache.camel.support.builder.ExpressionBuilder;
import java.util.Map;

/** The Cognigy calls of a barge-in: each command's call for the event, from the values its templates can use. */
public final class BargeInCommands {

    private final String detectedVariableKey;

    public BargeInCommands(BargeInSettings settings) {
        this.detectedVariableKey = settings.detectedVariableKey();
    }

    /** sessionId, event, confidence, transcript, timestamp, userId, urlToken, detectedVariableKey. */
    public Map<String, Object> values(BargeInEvent event) {
        Map<String, Object> values = new HashMap<>();
        values.put("sessionId", event.sessionId());
        values.put("event", event.event());
        values.put("confidence", event.confidence());
        values.put("transcript", event.transcript());
        values.put("timestamp", event.timestamp());
        values.put("userId", event.userId());
        values.put("urlToken", event.urlToken());
        values.put("detectedVariableKey", detectedVariableKey);
        return values;
    }

    /** The command's call for the barge-in in property "event" (422 when a template needs a field the event lacks). */
    public Expression call(CognigyCommand command) {
        return ExpressionBuilder.exchangeExpression(exchange -> {
            BargeInEvent event = exchange.getProperty(WebhookEvent.PROPERTY, BargeInEvent.class);
            return command.call(event, values(event), exchange.getProperty(DuplicateGuard.KEY, String.class), 422);
        });
    }
}
