package org.acme.voicewebhooks.cognigy;

/** No Cognigy request token within what remains of the webhook's budget: the call is not sent, and not retried. */
public final class RateLimitedException extends RuntimeException {

    public RateLimitedException() {
        super("Rate limit: no Cognigy request allowed within the budget", null, false, false);
    }
}
