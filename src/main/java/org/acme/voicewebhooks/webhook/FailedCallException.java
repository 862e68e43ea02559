package org.acme.voicewebhooks.webhook;

/** A call made on the webhook's behalf failed in a way that has its own 502 answer, e.g. a login or the budget. */
public class FailedCallException extends RuntimeException {

    private final String answer;
    private final boolean networkFailure;

    /** {@code networkFailure}: time or the network explains it, so a spent budget is named in the answer. */
    public FailedCallException(String message, String answer, boolean networkFailure) {
        super(message, null, false, false);
        this.answer = answer;
        this.networkFailure = networkFailure;
    }

    /** The text of the webhook's {@code {"error":…}}. */
    public String answer() {
        return answer;
    }

    public boolean isNetworkFailure() {
        return networkFailure;
    }
}
