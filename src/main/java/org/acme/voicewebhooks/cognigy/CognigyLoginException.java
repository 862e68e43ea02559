package org.acme.voicewebhooks.cognigy;

/** The login for a bearer token failed; carries no cause so no retry policy matches it a second time. */
public final class CognigyLoginException extends RuntimeException {

    private final boolean networkFailure;

    public CognigyLoginException(String message, boolean networkFailure) {
        super(message, null, false, false);
        this.networkFailure = networkFailure;
    }

    public boolean isNetworkFailure() {
        return networkFailure;
    }
}
