package org.acme.voicewebhooks.bargein;

import org.acme.voicewebhooks.config.Settings;

/** Barge-in settings, checked once at start-up. */
public record BargeInSettings(double confidenceThreshold, String detectedVariableKey) {

    public static BargeInSettings from(Settings s) {
        return new BargeInSettings(
                s.decimal("bargein.confidence-threshold", 0.0, 1.0, "BARGEIN_CONFIDENCE_THRESHOLD"),
                s.text("bargein.detected-variable-key"));
    }
}
