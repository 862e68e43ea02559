package org.acme.voicewebhooks.webhook;

/** A webhook's own answer to a payload it cannot accept; null when the failure is not about the payload. */
@FunctionalInterface
public interface PayloadErrors {

    FailureAnswerProcessor.Answer answer(Throwable failure);

    /** For the Cognigy calls, where every payload has already been accepted. */
    PayloadErrors NONE = failure -> null;
}
