package org.acme.voicewebhooks.webhook;

/** The body parsed as JSON, but to no object at all (a bare {@code null}). */
public final class NotAnObjectException extends RuntimeException {

    public NotAnObjectException(String message) {
        super(message, null, false, false);
    }
}
