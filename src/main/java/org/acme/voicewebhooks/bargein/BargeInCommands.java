package org.acme.voicewebhooks.bargein;

import java.util.HashMap;
import java.util.Map;

/** The values a barge-in's command templates can use. */
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
}
