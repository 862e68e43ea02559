package org.acme.voicewebhooks.cognigy;

import org.acme.voicewebhooks.webhook.CommandFailures;
import org.acme.voicewebhooks.cognigy.auth.CognigyLoginException;
import org.acme.voicewebhooks.cognigy.ratelimit.RateLimitedException;
import org.acme.voicewebhooks.cognigy.auth.AccessTokenProcessor;
import org.acme.voicewebhooks.webhook.Budget;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Optional;

import org.acme.voicewebhooks.webhook.WebhookEvent;
import org.apache.camel.BeanInject;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLHandshakeException;

/** The Cognigy redelivery policy, opted into by the client routes through their route configuration id. */
public final class CognigyRedelivery extends RouteConfigurationBuilder {

    /** For the login: transient failures retried, the final one thrown back to the token processor. */
    public static final String LOGIN_RETRY = "cognigy-login-retry";
    /** For commands: transient failures retried, a 401 retried once with a fresh token, the final failure answered. */
    public static final String COMMAND_RETRY = "cognigy-command-retry";
    /** For replayed dead letters: the same retries, the final failure thrown back to the replay. */
    public static final String REPLAY_RETRY = "cognigy-replay-retry";
    public static final String DEAD_LETTER = "direct:dead-letter";
    static final String TOKEN_REFRESHED = "cognigyTokenRefreshed";

    private static final Logger LOG = LoggerFactory.getLogger("cognigy-retries");
    private final Clock clock = Clock.systemUTC();

    @BeanInject
    private CognigySettings settings;
    @BeanInject("accessTokenProcessor")
    private AccessTokenProcessor accessTokenProcessor;
    @BeanInject("oauth2TokenProcessor")
    private AccessTokenProcessor oauth2TokenProcessor;
    @BeanInject
    private Budget budget;
    @BeanInject
    private CommandFailures commandFailures;

    @Override
    public void configuration() {
        // a login's failure goes back to the token processor, which reports it as a login failure
        RouteConfigurationDefinition logins = routeConfiguration(LOGIN_RETRY);
        retry(logins).end();
        quietRest(logins);

        // a command's final failure is noted and dead-lettered, and the calling route goes on (continued): the flow
        // tries its next command and chooses the answer itself
        RouteConfigurationDefinition commands = routeConfiguration(COMMAND_RETRY);
        giveUp(retry(commands));
        giveUp(refreshTokenOn401(commands));
        giveUp(commands.onException(Exception.class).logExhausted(false));

        RouteConfigurationDefinition replays = routeConfiguration(REPLAY_RETRY);
        retry(replays).end();
        refreshTokenOn401(replays).end();
        quietRest(replays);
    }

    /** The command is given up: noted, dead-lettered, and its webhook goes on with what comes next. */
    private void giveUp(OnExceptionDefinition onException) {
        onException.continued(true).process(commandFailures::failed).to(DEAD_LETTER).setBody(constant("null")).end();
    }

    /** 429, 5xx and I/O failures: exponential backoff, Retry-After honoured, never past the budget; other 4xx never. */
    private OnExceptionDefinition retry(RouteConfigurationDefinition configuration) {
        CognigySettings.Retry retry = settings.retry();
        return configuration.onException(HttpOperationFailedException.class, IOException.class)
                .onWhen(CognigyRedelivery::transientFailure)
                .onExceptionOccurred(this::scheduleRetry)
                .retryWhile(exchange -> attempts(exchange) <= retry.maxRetries() && !retryAfterTooLong(exchange)
                        && budget.allowsRetryAfter(exchange, exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY, 0L, Long.class)))
                // Camel's own retry line names the URL, which for an Endpoint inject is a credential
                .logRetryAttempted(false)
                .onRedelivery(CognigyRedelivery::logRetry)
                .logExhausted(false)
                .logStackTrace(false);
    }

    /** A 401 on a bearer call: drop that token and retry once; the attempt logs in again. */
    private OnExceptionDefinition refreshTokenOn401(RouteConfigurationDefinition configuration) {
        return configuration.onException(HttpOperationFailedException.class)
                .onWhen(exchange -> status(exchange) == 401 && exchange.getProperty(AccessTokenProcessor.TOKEN_SENT) != null)
                .retryWhile(exchange -> !exchange.getProperty(TOKEN_REFRESHED, false, Boolean.class)
                        && budget.allowsRetryAfter(exchange, 0))
                .redeliveryDelay(0)
                .onRedelivery(exchange -> {
                    exchange.setProperty(TOKEN_REFRESHED, true);
                    // each drops the sent token only if it is its own
                    accessTokenProcessor.refresh(exchange);
                    oauth2TokenProcessor.refresh(exchange);
                })
                .logExhausted(false)
                .logStackTrace(false);
    }

    /** Anything else goes back to the caller unlogged: the caller answers and logs once. */
    private static void quietRest(RouteConfigurationDefinition configuration) {
        configuration.onException(Exception.class).logExhausted(false).end();
    }

    /** One WARN per retry; a login has no command of its own, so its route names it (cognigy-login). */
    private static void logRetry(Exchange exchange) {
        String command = exchange.getProperty(CognigyClientRoutes.COMMAND, String.class);
        String session = sessionLogId(exchange);
        LOG.warn("retry {} of {}{} after {}, correlationId={}", attempts(exchange),
                command != null ? command : exchange.getFromRouteId(), session == null ? "" : " for session " + session,
                describe(failure(exchange)), exchange.getExchangeId());
    }

    private static String sessionLogId(Exchange exchange) {
        WebhookEvent event = exchange.getProperty(WebhookEvent.PROPERTY, WebhookEvent.class);
        return event != null ? event.logId() : exchange.getProperty(WebhookEvent.SESSION_LOG_ID, String.class);
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

    private static boolean transientFailure(Exchange exchange) {
        Exception failure = failure(exchange);
        if (failure instanceof HttpOperationFailedException http) {
            return http.getStatusCode() == 429 || http.getStatusCode() >= 500;
        }
        IOException io = ioCause(failure);
        return io != null && (!ambiguous(io) || exchange.getProperty(CognigyClientRoutes.RETRY_AMBIGUOUS, true, Boolean.class));
    }

    private static IOException ioCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return io;
            }
        }
        return null;
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

    private static int attempts(Exchange exchange) {
        return exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
    }

    /** The wait before the next attempt: Retry-After when Cognigy sent one, else exponential backoff. */
    private void scheduleRetry(Exchange exchange) {
        CognigySettings.Retry retry = settings.retry();
        long backoff = (long) (retry.initialDelayMs() * Math.pow(retry.multiplier(), Math.max(0, attempts(exchange) - 1)));
        long delay = retryAfterMillis(exchange).orElse(Math.min(backoff, retry.maxDelayMs()));
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, delay);
    }

    private boolean retryAfterTooLong(Exchange exchange) {
        return retryAfterMillis(exchange).map(ms -> ms > settings.retry().maxDelayMs()).orElse(false);
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

    private static int status(Exchange exchange) {
        return failure(exchange) instanceof HttpOperationFailedException http ? http.getStatusCode() : 0;
    }

    private static Exception failure(Exchange exchange) {
        Exception e = exchange.getException();
        return e != null ? e : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    }
}
