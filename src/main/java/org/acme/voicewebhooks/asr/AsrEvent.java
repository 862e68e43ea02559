package org.acme.voicewebhooks.asr;

import java.util.HashMap;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.acme.voicewebhooks.webhook.LogSafe;
import org.acme.voicewebhooks.webhook.WebhookEvent;

/** A recognised utterance as the voice flow sends it; absent and zero are different things, so numbers are boxed. */
public record AsrEvent(
        @NotEmpty @Pattern(regexp = DOTS, flags = Pattern.Flag.DOTALL) String sessionId,
        @NotEmpty @Pattern(regexp = DOTS, flags = Pattern.Flag.DOTALL) String flowId,
        String nodeId,
        String utterance,
        @NotNull @Valid Asr asr,
        Audio audio,
        String userId,
        String urlToken) implements WebhookEvent {

    /** Anything but "." and "..", which URL normalisation would turn into a different path. */
    static final String DOTS = "^(?!\\.{1,2}$).*$";

    /** {@code confidence} may be absent: asr.missing-confidence decides what that means. */
    public record Asr(@DecimalMin("0.0") @DecimalMax("1.0") Double confidence, String text) {
    }

    public record Audio(Long durationMs, Integer sampleRate, String features) {
    }

    /** The recognizer's confidence, or null when it sent none. */
    public Double confidence() {
        return asr.confidence();
    }

    @Override
    public String logId() {
        return LogSafe.quote(sessionId);
    }

    /** What the clarification's templates can use: sessionId, flowId, nodeId, utterance, confidence, text, userId, urlToken. */
    public Map<String, Object> templateValues() {
        Map<String, Object> values = new HashMap<>();
        values.put("sessionId", sessionId);
        values.put("flowId", flowId);
        values.put("nodeId", nodeId);
        values.put("utterance", utterance);
        values.put("confidence", confidence());
        values.put("text", asr.text());
        values.put("userId", userId);
        values.put("urlToken", urlToken);
        return values;
    }
}
