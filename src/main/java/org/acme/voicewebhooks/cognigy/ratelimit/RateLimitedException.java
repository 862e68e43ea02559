package org.acme.voicewebhooks.cognigy.ratelimit;

import org.acme.voicewebhooks.webhook.FailedCallException;

/** No Cognigy request token within what remains of the webhook's budget: the call is not sent, and not retried. */
public final class RateLimitedException extends FailedCallException {

    private static final String MESSAGE = "Rate limit: no Cognigy request allowed within the budget";

    public RateLimitedException() {
        super(MESSAGE, MESSAGE, false);
    }
}
