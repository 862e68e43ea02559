package org.acme.voicewebhooks.webhook;

/** A validated webhook payload, kept in exchange property {@link #PROPERTY}. */
public interface WebhookEvent {

    String PROPERTY = "event";

    String sessionId();

    /** The Endpoint URL token the flow sent along (inject profiles): a credential, never logged. */
    String urlToken();

    /** The sessionId as it may appear in a log line. */
    String logId();
}
