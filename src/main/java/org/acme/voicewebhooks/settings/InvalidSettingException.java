package org.acme.voicewebhooks.settings;

/** A setting is missing or out of range: start-up stops with this one-line message. */
public final class InvalidSettingException extends RuntimeException {

    public InvalidSettingException(String message) {
        super(message, null, false, false);
    }

    /** The first InvalidSettingException in a cause chain, or null. */
    public static InvalidSettingException find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidSettingException invalid) {
                return invalid;
            }
        }
        return null;
    }
}
