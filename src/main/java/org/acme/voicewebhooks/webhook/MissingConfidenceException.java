package org.acme.voicewebhooks.webhook;

/** An utterance without {@code asr.confidence} while asr.missing-confidence is {@code reject}: answered 400. */
public final class MissingConfidenceException extends RuntimeException {

    public MissingConfidenceException(String message) {
        super(message, null, false, false);
    }
}
