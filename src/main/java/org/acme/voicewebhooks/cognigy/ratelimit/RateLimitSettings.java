package org.acme.voicewebhooks.cognigy.ratelimit;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.acme.voicewebhooks.settings.Settings;

/**
 * The egress limit toward Cognigy ({@code COGNIGY_RATE_LIMIT}, e.g. {@code 1000/300s}): {@code count} requests per
 * {@code seconds} across all instances, shared in PostgreSQL; {@code instances} splits it when each falls back alone.
 */
public record RateLimitSettings(long count, long seconds, int instances, double urgentReserve, double replayReserve,
        Duration storeRetry) {

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})/(\\d{1,9})s");

    /** The limit, or empty when {@code cognigy.rate-limit} is empty (off); a malformed value is a start-up problem. */
    public static Optional<RateLimitSettings> from(Settings s) {
        Optional<String> raw = s.optional("cognigy.rate-limit").map(String::strip).filter(v -> !v.isEmpty());
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(raw.get());
        long count = m.matches() ? Long.parseLong(m.group(1)) : 0;
        long seconds = m.matches() ? Long.parseLong(m.group(2)) : 0;
        if (count < 1 || seconds < 1) {
            s.problem("COGNIGY_RATE_LIMIT (setting cognigy.rate-limit) must be <count>/<seconds>s with both at least 1, "
                    + "e.g. 1000/300s, or empty for no limit; was '" + raw.get() + "'");
            return Optional.empty();
        }
        int instances = (int) s.number("cognigy.rate-limit-instances", 1, 10_000);
        if (count < instances) {
            s.problem("COGNIGY_RATE_LIMIT (setting cognigy.rate-limit) allows " + count + " requests, fewer than "
                    + "cognigy.rate-limit-instances (" + instances + "): an instance's share would be less than one");
        }
        double urgent = s.decimal("cognigy.rate-limit-urgent-reserve", 0, 0.99);
        double replay = s.decimal("cognigy.rate-limit-replay-reserve", 0, 0.99);
        if (replay < urgent) {
            s.problem("cognigy.rate-limit-replay-reserve (" + replay + ") must be at least cognigy.rate-limit-urgent-reserve ("
                    + urgent + "): replays come after state resets and logins");
        }
        return Optional.of(new RateLimitSettings(count, seconds, instances, urgent, replay,
                Duration.ofSeconds(s.number("cognigy.rate-limit-store-retry-seconds", 1, 3600))));
    }

    /** Tokens a second the whole deployment gets back. */
    double perSecond() {
        return (double) count / seconds;
    }

    @Override
    public String toString() {
        return count + "/" + seconds + "s";
    }
}
