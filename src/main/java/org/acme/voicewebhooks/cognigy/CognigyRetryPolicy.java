package org.acme.voicewebhooks.cognigy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Optional;

import javax.net.ssl.SSLHandshakeException;

import org.acme.voicewebhooks.cognigy.auth.CognigyLoginException;
import org.acme.voicewebhooks.cognigy.ratelimit.RateLimitedException;
import org.acme.voicewebhooks.webhook.Budget;
import org.acme.voicewebhooks.webhook.WebhookEvent;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The arithmetic of the Cognigy retry policy, whose rules are the routeConfigurations in
 * routes/cognigy-calls.camel.yaml: which failures are transient, the wait before the next attempt (Retry-After or
 * exponential backoff) and whether it still fits the webhook's budget.
 */
public final class CognigyRetryPolicy {

    private static final Logger LOG = LoggerFactory.getLogger("cognigy-retries");

    private final Budget budget;
    private final CognigyCredentials credentials;
    private final Clock clock = Clock.systemUTC();

    public CognigyRetryPolicy(Budget budget, CognigyCredentials credentials) {
        this.budget = budget;
        this.credentials = credentials;
    }

    /** 429, 5xx and I/O failures; after an ambiguous one (a read timeout) only when the call's command allows it. */
    public boolean transientFailure(Exchange exchange) {
        Exception failure = failure(exchange);
        if (failure instanceof HttpOperationFailedException http) {
            return http.getStatusCode() == 429 || http.getStatusCode() >= 500;
        }
        IOException io = ioCause(failure);
        CognigyCall call = exchange.getProperty(CognigyCall.PROPERTY, CognigyCall.class);
        return io != null && (!ambiguous(io) || call == null || call.retryAmbiguous());
    }

    /**
     * Whether to try again: at most {@code maxRetries} retries, never after a Retry-After longer than
     * {@code maxDelayMs}, and only when the wait and a minimal attempt fit the budget. The wait is Cognigy's
     * Retry-After, else {@code initialDelayMs × multiplier^(retry - 1)} up to {@code maxDelayMs}.
     */
    public boolean retryAllowed(Exchange exchange, int maxRetries, long initialDelayMs, double multiplier, long maxDelayMs) {
        int retry = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        Optional<Long> retryAfter = retryAfterMillis(exchange);
        long backoff = (long) (initialDelayMs * Math.pow(multiplier, Math.max(0, retry - 1)));
        long delay = retryAfter.orElse(Math.min(backoff, maxDelayMs));
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, delay);
        return retry <= maxRetries && retryAfter.map(ms -> ms <= maxDelayMs).orElse(true)
                && budget.allowsRetryAfter(exchange, delay);
    }

    /** A 401 on a call that sent a bearer token: that token is stale. */
    public boolean unauthorisedBearer(Exchange exchange) {
        CognigyCall call = exchange.getProperty(CognigyCall.PROPERTY, CognigyCall.class);
        return failure(exchange) instanceof HttpOperationFailedException http && http.getStatusCode() == 401
                && call != null && call.tokenSent() != null;
    }

    /** One retry with a fresh token, within the budget. */
    public boolean freshTokenAllowed(Exchange exchange) {
        CognigyCall call = exchange.getProperty(CognigyCall.PROPERTY, CognigyCall.class);
        return !call.tokenRefreshed() && budget.allowsRetryAfter(exchange, 0);
    }

    /** Before the retry with a fresh token: the stale one is dropped, so the attempt logs in again. */
    public void refreshToken(Exchange exchange) {
        exchange.getProperty(CognigyCall.PROPERTY, CognigyCall.class).refreshToken();
        credentials.refresh(exchange);
    }

    /** One WARN per retry; a login has no call of its own, so its route names it (cognigy-login). */
    public void logRetry(Exchange exchange) {
        CognigyCall call = exchange.getProperty(CognigyCall.PROPERTY, CognigyCall.class);
        String session = call != null ? call.sessionLogId() : exchange.getProperty(WebhookEvent.SESSION_LOG_ID, String.class);
        LOG.warn("retry {} of {}{} after {}, correlationId={}",
                exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class),
                call != null ? call.command() : exchange.getFromRouteId(), session == null ? "" : " for session " + session,
                describe(failure(exchange)), exchange.getExchangeId());
    }

    /** What failed, for logs and dead letters: the status, our own login message, else the class (a message can carry a URL token). */
    public static String describe(Throwable failure) {
        if (failure == null) {
            return null;
        }
        if (failure instanceof HttpOperationFailedException http) {
            return "HTTP " + http.getStatusCode();
        }
        if (failure instanceof CognigyLoginException || failure instanceof RateLimitedException) {
            return failure.getMessage();
        }
        return failure.getClass().getSimpleName();
    }

    /**
     * Whether Cognigy may have received the request: anything but a failure to connect (read timeout, connection
     * reset or closed after sending, no or a cut-off response).
     */
    static boolean ambiguous(IOException failure) {
        return !(failure instanceof ConnectException || failure instanceof NoRouteToHostException
                || failure instanceof UnknownHostException || failure instanceof ConnectTimeoutException
                || failure instanceof ConnectionRequestTimeoutException || failure instanceof SSLHandshakeException);
    }

    private static IOException ioCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    private Optional<Long> retryAfterMillis(Exchange exchange) {
        if (failure(exchange) instanceof HttpOperationFailedException http && http.getResponseHeaders() != null) {
            String value = http.getResponseHeaders().entrySet().stream()
                    .filter(h -> "Retry-After".equalsIgnoreCase(h.getKey()))
                    .map(h -> h.getValue())
                    .findFirst().orElse(null);
            return RetryAfter.parse(value, clock).map(d -> d.toMillis());
        }
        return Optional.empty();
    }

    private static Exception failure(Exchange exchange) {
        Exception e = exchange.getException();
        return e != null ? e : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    }
}
