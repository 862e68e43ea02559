package org.acme.voicewebhooks.webhook;

/** A validated webhook payload, kept in exchange property {@link #PROPERTY}. */
public interface WebhookEvent {

    String PROPERTY = "event";
    /** On an exchange made on a webhook's behalf (a login): that webhook's session as it may appear in a log line. */
    String SESSION_LOG_ID = "webhookSessionLogId";

    String sessionId();

    /** The Endpoint URL token the flow sent along (inject profiles): a credential, never logged. */
    String urlToken();

    /** The sessionId as it may appear in a log line. */
    String logId();
}
