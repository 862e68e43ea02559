package org.acme.voicewebhooks.cognigy;

import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.acme.voicewebhooks.settings.Settings;

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
        Retry retry,
        Optional<OAuth2> oauth2) {

    /** The OAuth2 token endpoint (a path under the base URL or a full URL) and the client-credentials form. */
    public record OAuth2(String tokenUrl, String form) {
        @Override
        public String toString() {
            return "OAuth2[tokenUrl=" + tokenUrl + "]";   // never the form: it holds the secret
        }
    }

    /** Redelivery of 429, 5xx and I/O failures: exponential backoff, Retry-After honoured up to maxDelay. */
    public record Retry(int maxRetries, long initialDelayMs, double multiplier, long maxDelayMs, long minAttemptMs) {
    }

    /** The command a call of this name is of (cognigy-abort-tts, cognigy-reset-state, cognigy-clarify), or null. */
    public CognigyCommand command(String call) {
        return call == null ? null : switch (call) {
            case "cognigy-abort-tts" -> abortTts;
            case "cognigy-reset-state" -> resetState;
            case "cognigy-clarify" -> clarify;
            default -> null;
        };
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
                        s.number("cognigy.retry.min-attempt-ms", 1, 60_000)),
                java.util.stream.Stream.of(abortTts, resetState, clarify)
                        .anyMatch(c -> c.enabled() && c.auth() == CognigyCommand.Auth.OAUTH2)
                        ? Optional.of(oauth2(s)) : Optional.empty());
    }

    private static OAuth2 oauth2(Settings s) {
        StringBuilder form = new StringBuilder("grant_type=client_credentials")
                .append("&client_id=").append(encode(s.required("cognigy.oauth2.client-id", "COGNIGY_OAUTH2_CLIENT_ID")))
                .append("&client_secret=").append(encode(s.required("cognigy.oauth2.client-secret", "COGNIGY_OAUTH2_CLIENT_SECRET")));
        s.optional("cognigy.oauth2.scope").ifPresent(scope -> form.append("&scope=").append(encode(scope)));
        return new OAuth2(s.text("cognigy.oauth2.token-url"), form.toString());
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "CognigySettings[baseUrl=" + baseUrl + "]";   // never the credentials
    }
}
