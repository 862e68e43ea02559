package org.acme.voicewebhooks.cognigy;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.acme.voicewebhooks.web.FailureAnswerProcessor;
import org.acme.voicewebhooks.web.PayloadAnswers;
import org.apache.camel.BeanInject;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.http.base.HttpOperationFailedException;

/** The Cognigy redelivery policy, opted into by the client routes through their route configuration id. */
public final class CognigyRedelivery extends RouteConfigurationBuilder {

    /** For the login: transient failures retried, the final one thrown back to the token processor. */
    public static final String LOGIN_RETRY = "cognigy-login-retry";
    /** For commands: transient failures retried, a 401 retried once with a fresh token, the final failure answered. */
    public static final String COMMAND_RETRY = "cognigy-command-retry";
    static final String TOKEN_REFRESHED = "cognigyTokenRefreshed";

    private final Clock clock = Clock.systemUTC();

    @BeanInject
    private CognigySettings settings;
    @BeanInject
    private AccessTokenProcessor accessTokenProcessor;
    @BeanInject
    private ObjectMapper jsonMapper;

    @Override
    public void configuration() {
        FailureAnswerProcessor failureAnswer = new FailureAnswerProcessor(jsonMapper, PayloadAnswers.NONE);

        // a login's failure goes back to the token processor, which reports it as a login failure
        retry(routeConfiguration(LOGIN_RETRY).onException(HttpOperationFailedException.class, IOException.class))
                .end()
                .onException(Exception.class)
                    .logExhausted(false)
                .end();

        // a command's final failure is answered right here (a caller route's handler never sees a spent exception);
        // this is the one place a command is given up, where dead-lettering belongs
        retry(routeConfiguration(COMMAND_RETRY).onException(HttpOperationFailedException.class, IOException.class))
                    .handled(true)
                    .process(failureAnswer)
                .end()
                .onException(HttpOperationFailedException.class)
                    .onWhen(exchange -> status(exchange) == 401
                            && exchange.getMessage().getHeader(AccessTokenProcessor.AUTHORIZATION) != null)
                    .retryWhile(exchange -> !exchange.getProperty(TOKEN_REFRESHED, false, Boolean.class))
                    .redeliveryDelay(0)
                    .onRedelivery(exchange -> {
                        exchange.setProperty(TOKEN_REFRESHED, true);
                        accessTokenProcessor.refresh(exchange);
                    })
                    .logExhausted(false)
                    .handled(true)
                    .process(failureAnswer)
                .end()
                .onException(Exception.class)
                    .logExhausted(false)
                    .handled(true)
                    .process(failureAnswer)
                .end();
    }

    /** 429, 5xx and I/O failures: exponential backoff, Retry-After honoured; other 4xx never retried. */
    private OnExceptionDefinition retry(OnExceptionDefinition clause) {
        CognigySettings.Retry retry = settings.retry();
        return clause
                .onWhen(this::transientFailure)
                .retryWhile(exchange -> attempts(exchange) <= retry.maxRetries() && !retryAfterTooLong(exchange))
                .redeliveryDelay(retry.initialDelayMs())
                .useExponentialBackOff()
                .backOffMultiplier(retry.multiplier())
                .maximumRedeliveryDelay(retry.maxDelayMs())
                .onExceptionOccurred(this::honourRetryAfter)
                .logRetryAttempted(true)
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .logExhausted(false)
                .logStackTrace(false);
    }

    private boolean transientFailure(Exchange exchange) {
        Exception failure = failure(exchange);
        if (failure instanceof HttpOperationFailedException http) {
            return http.getStatusCode() == 429 || http.getStatusCode() >= 500;
        }
        return failure instanceof IOException || failure != null && failure.getCause() instanceof IOException;
    }

    private static int attempts(Exchange exchange) {
        return exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
    }

    private boolean retryAfterTooLong(Exchange exchange) {
        return retryAfterMillis(exchange).map(ms -> ms > settings.retry().maxDelayMs()).orElse(false);
    }

    private void honourRetryAfter(Exchange exchange) {
        retryAfterMillis(exchange).ifPresent(ms -> exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, ms));
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
