package org.acme.voicewebhooks.asr;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.acme.voicewebhooks.web.WebhookEvent;
import org.apache.camel.ExchangeProperty;

/** The ASR webhook's answers that depend on the event, and its per-flow threshold. */
public final class AsrAnswers {

    private final ObjectMapper json;
    private final AsrSettings settings;

    public AsrAnswers(ObjectMapper json, AsrSettings settings) {
        this.json = json;
        this.settings = settings;
    }

    /** The confidence threshold for the event's flow. */
    public double threshold(@ExchangeProperty(WebhookEvent.PROPERTY) AsrEvent event) {
        return settings.thresholdFor(event.flowId());
    }

    /** {@code {"nextNode":"<nodeId>"}}, or {@code {}} when the event names no node. */
    public String nextNode(@ExchangeProperty(WebhookEvent.PROPERTY) AsrEvent event) {
        return event.nodeId() == null || event.nodeId().isEmpty()
                ? "{}"
                : json.createObjectNode().put("nextNode", event.nodeId()).toString();
    }
}
