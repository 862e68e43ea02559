package org.acme.voicewebhooks.bargein;

import org.acme.voicewebhooks.webhook.WebhookEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.support.builder.ExpressionBuilder;

/** The barge-in webhook's delivery key, as a plain Java expression the route refers to by name (cheaper than OGNL). */
public final class BargeInAnswers {

    private BargeInAnswers() {
    }

    /** The same barge-in is the same session and timestamp. */
    public static Expression duplicateKey() {
        return ExpressionBuilder.exchangeExpression(exchange -> {
            BargeInEvent event = event(exchange);
            return "barge-in:" + event.sessionId() + ":" + event.timestamp();
        });
    }

    private static BargeInEvent event(Exchange exchange) {
        return exchange.getProperty(WebhookEvent.PROPERTY, BargeInEvent.class);
    }
}
