package org.acme.voicewebhooks.cognigy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

import org.acme.voicewebhooks.cognigy.CognigyCommand.Auth;
import org.acme.voicewebhooks.cognigy.ratelimit.CognigyRateLimiter.Priority;

/**
 * One call to Cognigy as a webhook (or a replay) asks for it, in exchange property {@link #PROPERTY}: everything the
 * {@code cognigy-call} route needs and the dead-letter store keeps. What it is never changes; its attempts and the
 * token it sent change as it is tried.
 */
public final class CognigyCall {

    public static final String PROPERTY = "cognigyCall";

    private final String command;
    private final boolean enabled;
    private final String method;
    private final String target;
    private final String body;
    private final Auth auth;
    private final Set<Integer> successStatuses;
    private final boolean retryAmbiguous;
    private final String idempotencyKey;
    private final Priority priority;
    private final String sessionId;
    private final String sessionLogId;
    private final String urlToken;
    private int attempts;
    private String tokenSent;
    private boolean tokenRefreshed;

    /**
     * @param command         the command's name, e.g. cognigy-abort-tts
     * @param enabled         false: the command is off by settings and nothing is sent
     * @param method          the HTTP method
     * @param target          a path under the base URL, or a full URL (another host, e.g. an Endpoint's inject URL)
     * @param body            the JSON sent, the same on every attempt
     * @param auth            how the call authenticates
     * @param successStatuses the statuses that mean success; an empty set takes any 2xx
     * @param retryAmbiguous  whether a failure after the request may have reached Cognigy (read timeout) is retried
     * @param idempotencyKey  the same on every retry and replay, so a server that honours it acts once
     * @param priority        its share of the egress rate limit
     * @param sessionId       the session, for the dead-letter store
     * @param sessionLogId    the session as it may appear in a log line
     * @param urlToken        the Endpoint URL token of the session, a credential masked in the dead-letter store's url
     */
    public CognigyCall(String command, boolean enabled, String method, String target, String body, Auth auth,
            Set<Integer> successStatuses, boolean retryAmbiguous, String idempotencyKey, Priority priority,
            String sessionId, String sessionLogId, String urlToken) {
        this.command = command;
        this.enabled = enabled;
        this.method = method;
        this.target = target;
        this.body = body;
        this.auth = auth;
        this.successStatuses = Set.copyOf(successStatuses);
        this.retryAmbiguous = retryAmbiguous;
        this.idempotencyKey = idempotencyKey;
        this.priority = priority;
        this.sessionId = sessionId;
        this.sessionLogId = sessionLogId;
        this.urlToken = urlToken;
    }

    /** The key of one command of one delivery: a hash of the delivery's duplicate key and the command's name. */
    public static String idempotencyKey(String deliveryKey, String command) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((deliveryKey + "|" + command).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    public String command() {
        return command;
    }

    public boolean enabled() {
        return enabled;
    }

    public String method() {
        return method;
    }

    public String target() {
        return target;
    }

    public String body() {
        return body;
    }

    public Auth auth() {
        return auth;
    }

    /** Whether Cognigy acknowledged the call with this status. */
    public boolean succeededWith(int status) {
        return successStatuses.isEmpty() ? status >= 200 && status < 300 : successStatuses.contains(status);
    }

    public Set<Integer> successStatuses() {
        return successStatuses;
    }

    public boolean retryAmbiguous() {
        return retryAmbiguous;
    }

    public String idempotencyKey() {
        return idempotencyKey;
    }

    public Priority priority() {
        return priority;
    }

    public String sessionId() {
        return sessionId;
    }

    public String sessionLogId() {
        return sessionLogId;
    }

    public String urlToken() {
        return urlToken;
    }

    public synchronized int attempts() {
        return attempts;
    }

    /** Counts an attempt about to be made and says how many were made before it. */
    public synchronized int startAttempt() {
        return attempts++;
    }

    public synchronized String tokenSent() {
        return tokenSent;
    }

    public synchronized void tokenSent(String token) {
        this.tokenSent = token;
    }

    /** Marks the one retry a 401 on a bearer token allows; false if it was already taken. */
    public synchronized boolean refreshToken() {
        if (tokenRefreshed) {
            return false;
        }
        tokenRefreshed = true;
        return true;
    }

    public synchronized boolean tokenRefreshed() {
        return tokenRefreshed;
    }

    @Override
    public String toString() {
        return "CognigyCall[" + command + " " + method + " session=" + sessionLogId + " attempts=" + attempts() + "]";
    }
}
