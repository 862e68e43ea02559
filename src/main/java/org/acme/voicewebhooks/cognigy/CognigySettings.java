package org.acme.voicewebhooks.cognigy;

import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.acme.voicewebhooks.config.Settings;

/** The Cognigy connection, checked once at start-up. */
public record CognigySettings(
        String baseUrl,
        String clientId,
        String clientSecret,
        String apiKey,
        String apiKeyHeader,
        String loginPath,
        CognigyCommand abortTts,
        CognigyCommand resetState,
        CognigyCommand clarify,
        Duration tokenRefreshMargin,
        Duration connectTimeout,
        Duration readTimeout,
        int maxConnections,
        Retry retry) {

    /** Redelivery of 429, 5xx and I/O failures: exponential backoff, Retry-After honoured up to maxDelay. */
    public record Retry(int maxRetries, long initialDelayMs, double multiplier, long maxDelayMs, long minAttemptMs) {
    }

    public static CognigySettings from(Settings s, ObjectMapper json) {
        CognigyCommand abortTts = CognigyCommand.from(s, json, "abort-tts");
        CognigyCommand resetState = CognigyCommand.from(s, json, "reset-state");
        CognigyCommand clarify = CognigyCommand.from(s, json, "clarify");
        // login credentials are needed only when a command logs in
        boolean logsIn = java.util.stream.Stream.of(abortTts, resetState, clarify)
                .anyMatch(c -> c.enabled() && c.auth() == CognigyCommand.Auth.LOGIN_TOKEN);
        return new CognigySettings(
                s.httpUrl("cognigy.base-url", "COGNIGY_BASE_URL"),
                logsIn ? s.required("cognigy.client-id", "COGNIGY_CLIENT_ID") : s.optional("cognigy.client-id").orElse(""),
                logsIn ? s.required("cognigy.client-secret", "COGNIGY_CLIENT_SECRET") : s.optional("cognigy.client-secret").orElse(""),
                s.required("cognigy.api-key", "COGNIGY_API_KEY"),
                s.text("cognigy.api-key-header"),
                s.path("cognigy.login-path"),
                abortTts,
                resetState,
                clarify,
                Duration.ofSeconds(s.number("cognigy.token-refresh-margin-seconds", 0, 3600)),
                Duration.ofMillis(s.number("cognigy.connect-timeout-ms", 1, 60_000)),
                Duration.ofMillis(s.number("cognigy.read-timeout-ms", 1, 60_000)),
                (int) s.number("cognigy.max-connections", 1, 10_000),
                new Retry(
                        (int) s.number("cognigy.retry.max-retries", 0, 10),
                        s.number("cognigy.retry.initial-delay-ms", 0, 60_000),
                        s.decimal("cognigy.retry.multiplier", 1.0, 10.0),
                        s.number("cognigy.retry.max-delay-ms", 0, 60_000),
                        s.number("cognigy.retry.min-attempt-ms", 1, 60_000)));
    }

    @Override
    public String toString() {
        return "CognigySettings[baseUrl=" + baseUrl + "]";   // never the credentials
    }
}
