package org.acme.voicewebhooks.bargein;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.acme.voicewebhooks.webhook.LogSafe;
import org.acme.voicewebhooks.webhook.WebhookEvent;

/** A caller interrupt as the voice platform sends it; every field is required. */
public record BargeInEvent(
        @NotEmpty
        @Pattern(regexp = "^(?!\\.{1,2}$).*$", flags = Pattern.Flag.DOTALL, message = "must not be '.' or '..'")
        String sessionId,
        @NotNull String event,
        @NotNull @DecimalMin("0.0") @DecimalMax("1.0") Double confidence,
        @NotNull String transcript,
        @NotNull Long timestamp,
        String userId,
        String urlToken,
        /** The flow node whose prompt was playing, when the platform names it (bargein.protected-nodes). */
        String nodeId) implements WebhookEvent {

    @Override
    public String logId() {
        return LogSafe.quote(sessionId);
    }

    /** The delivery's key for the duplicate window: the same barge-in is the same session and timestamp. */
    public String deliveryKey() {
        return "barge-in:" + sessionId + ":" + timestamp;
    }
}
