package org.acme.voicewebhooks.bargein;

import org.acme.voicewebhooks.web.WebhookEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;
import org.apache.camel.support.builder.ExpressionBuilder;

/** The barge-in webhook's decisions, as plain Java expressions the route refers to by name (cheaper than OGNL). */
public final class BargeInAnswers {

    private final double confidenceThreshold;

    public BargeInAnswers(BargeInSettings settings) {
        this.confidenceThreshold = settings.confidenceThreshold();
    }

    /** The interrupt is confident enough to reset the dialogue state. */
    public Predicate confident() {
        return exchange -> event(exchange).confidence() >= confidenceThreshold;
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
