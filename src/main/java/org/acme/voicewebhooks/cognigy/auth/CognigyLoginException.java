package org.acme.voicewebhooks.cognigy.auth;

import org.acme.voicewebhooks.webhook.FailedCallException;

/** The login for a bearer token failed; carries no cause so no retry policy matches it a second time. */
public final class CognigyLoginException extends FailedCallException {

    public CognigyLoginException(String message, boolean networkFailure) {
        super(message, networkFailure ? "Network failure" : "Authentication failed", networkFailure);
    }
}
