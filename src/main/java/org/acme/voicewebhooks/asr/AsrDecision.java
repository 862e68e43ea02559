package org.acme.voicewebhooks.asr;

/**
 * What the ASR webhook decided about an utterance: the threshold it used (the node's, the flow's or the default),
 * whether the utterance is below it, and the shadow threshold's verdict ({@code null} when asr.shadow-threshold is off),
 * which is recorded and counted but never acted on.
 */
public record AsrDecision(double threshold, boolean belowThreshold, Boolean shadowBelowThreshold) {

    /** Exchange property that carries it. */
    public static final String PROPERTY = "asrDecision";

    /** The shadow threshold is set and would have decided the other way. */
    public boolean shadowDisagrees() {
        return shadowBelowThreshold != null && shadowBelowThreshold != belowThreshold;
    }
}
