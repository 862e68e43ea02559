package org.acme.voicewebhooks.webhook;

/** A webhook request refused with a status and a one-line reason for the caller. */
public final class WebhookException extends RuntimeException {

    private final int status;

    public WebhookException(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
