package org.acme.voicewebhooks.asr;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.acme.voicewebhooks.web.WebhookEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;
import org.apache.camel.support.builder.ExpressionBuilder;

/**
 * The ASR webhook's decisions and answers, as plain Java expressions the route refers to by name: a reflective bean call
 * or a simple-language comparison cost a measurable share of each request (see bench/RESULTS.md).
 */
public final class AsrAnswers {

    /** Exchange property with the threshold the webhook decided with. */
    public static final String THRESHOLD = "threshold";

    private final ObjectMapper json;
    private final AsrSettings settings;

    public AsrAnswers(ObjectMapper json, AsrSettings settings) {
        this.json = json;
        this.settings = settings;
    }

    /** The confidence threshold of the event's flow. */
    public Expression threshold() {
        return ExpressionBuilder.exchangeExpression(exchange -> settings.thresholdFor(event(exchange).flowId()));
    }

    /** The utterance's confidence is below its flow's threshold. */
    public Predicate belowThreshold() {
        return exchange -> event(exchange).confidence() < exchange.getProperty(THRESHOLD, Double.class);
    }

    /** {@code {"nextNode":"<nodeId>"}}, or {@code {}} when the event names no node. */
    public Expression nextNode() {
        return ExpressionBuilder.exchangeExpression(exchange -> nextNode(event(exchange)));
    }

    String nextNode(AsrEvent event) {
        return event.nodeId() == null || event.nodeId().isEmpty()
                ? "{}"
                : json.createObjectNode().put("nextNode", event.nodeId()).toString();
    }

    private static AsrEvent event(Exchange exchange) {
        return exchange.getProperty(WebhookEvent.PROPERTY, AsrEvent.class);
    }
}
