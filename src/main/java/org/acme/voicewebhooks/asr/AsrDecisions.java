package org.acme.voicewebhooks.asr;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.webhook.WebhookEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.apache.camel.support.builder.ExpressionBuilder;

/**
 * The ASR webhook's decisions, as Java expressions and predicates the route refers to by name: the threshold, the
 * loop guard, the escalation and the next node.
 */
public final class AsrDecisions {

    private final ObjectMapper json;
    private final AsrSettings settings;
    private final ClarificationGuard guard;
    private final WebhookMetrics metrics;
    private final String escalation;

    public AsrDecisions(ObjectMapper json, AsrSettings settings, ClarificationGuard guard, WebhookMetrics metrics) {
        this.json = json;
        this.settings = settings;
        this.guard = guard;
        this.metrics = metrics;
        this.escalation = json.createObjectNode().put("nextNode", settings.escalationNode()).toString();
    }

    /** The utterance has no confidence and asr.missing-confidence is reject. */
    public Predicate confidenceRefused() {
        return exchange -> event(exchange).confidence() == null
                && settings.missingConfidence() == AsrSettings.MissingConfidence.REJECT;
    }

    /**
     * The {@link AsrDecision}: below the node's, else the flow's, else the default threshold (a missing confidence as
     * asr.missing-confidence says), and the shadow threshold's verdict, counted when it differs.
     */
    public Expression decision() {
        return ExpressionBuilder.exchangeExpression(exchange -> {
            AsrDecision decision = decide(event(exchange));
            if (decision.shadowDisagrees()) {
                metrics.asrShadowDisagreement();
            }
            return decision;
        });
    }

    AsrDecision decide(AsrEvent event) {
        double threshold = settings.thresholdFor(event.flowId(), event.nodeId());
        Double confidence = event.confidence();
        Boolean shadow = settings.shadow().map(s -> below(confidence, s)).orElse(null);
        return new AsrDecision(threshold, below(confidence, threshold), shadow);
    }

    private boolean below(Double confidence, double threshold) {
        return confidence == null
                ? settings.missingConfidence() == AsrSettings.MissingConfidence.CLARIFY
                : confidence < threshold;
    }

    /** The utterance is below its threshold. */
    public Predicate belowThreshold() {
        return exchange -> decision(exchange).belowThreshold();
    }

    /**
     * The utterance is below its threshold and its session had asr.max-clarifications within the window: no
     * clarification, the escalation (counted in the metrics).
     */
    public Predicate loopGuardReached() {
        return exchange -> decision(exchange).belowThreshold() && !guard.mayClarify(event(exchange).sessionId());
    }

    /** Counts the session's clarification in its window; the route runs it once Cognigy acknowledged it. */
    public Processor countClarification() {
        return exchange -> guard.clarified(event(exchange).sessionId());
    }

    /** {@code {"nextNode":"<asr.escalation-node>"}}. */
    public Expression escalation() {
        return ExpressionBuilder.constantExpression(escalation);
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

    private static AsrDecision decision(Exchange exchange) {
        return exchange.getProperty(AsrDecision.PROPERTY, AsrDecision.class);
    }
}
