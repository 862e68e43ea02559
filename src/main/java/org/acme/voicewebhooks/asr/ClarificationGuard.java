package org.acme.voicewebhooks.asr;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import javax.sql.DataSource;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.acme.voicewebhooks.settings.Settings;
import org.acme.voicewebhooks.observe.WebhookMetrics;

/**
 * The reprompt loop guard: counts the clarifications of each session within asr.clarification-window-seconds (a fixed
 * window from the session's first clarification) and refuses one more after asr.max-clarifications. A clarification
 * counts once Cognigy has acknowledged it, so one that was dead-lettered and delivered again costs the caller nothing;
 * two utterances of one session at the same moment may therefore both be clarified (a caller says one at a time).
 * Counted in this instance's memory (bounded), or in PostgreSQL for all instances when duplicates.store is postgres,
 * this instance's count deciding while PostgreSQL fails.
 */
public final class ClarificationGuard {

    /** Sessions remembered at most; the oldest go first. */
    static final long CAPACITY = 100_000;

    /** A session's clarifications in its current window. */
    private record Window(int clarifications, long endsAtMs) {
    }

    private final int max;
    private final Duration window;
    private final PostgresClarificationCount shared;
    private final WebhookMetrics metrics;
    private final Clock clock;
    private final Cache<String, Window> local;

    public ClarificationGuard(int max, Duration window, PostgresClarificationCount shared, WebhookMetrics metrics, Clock clock) {
        this.max = max;
        this.window = window;
        this.shared = shared;
        this.metrics = metrics;
        this.clock = clock;
        this.local = Caffeine.newBuilder().expireAfterWrite(window).maximumSize(CAPACITY).build();
    }

    /**
     * The guard of asr.max-clarifications and asr.clarification-window-seconds, sharing its count in
     * {@code <prefix>_clarifications} when duplicates.store is postgres and a database is set.
     */
    public static ClarificationGuard from(Settings settings, AsrSettings asr, Optional<DataSource> database, String prefix,
            WebhookMetrics metrics) {
        PostgresClarificationCount shared = null;
        if (settings.text("duplicates.store").equals("postgres") && database.isPresent()) {
            shared = new PostgresClarificationCount(database.get(), prefix + "_clarifications",
                    settings.number("duplicates.store-retry-ms", 100, 600_000), metrics, Clock.systemUTC());
        }
        return new ClarificationGuard(asr.maxClarifications(), asr.clarificationWindow(), shared, metrics, Clock.systemUTC());
    }

    /** Deletes the sessions of the shared count whose window is over (housekeeping); 0 without a shared count. */
    public int removeExpiredShared() {
        return shared == null ? 0 : shared.removeExpired();
    }

    /**
     * Whether the session may have one more clarification in this window; when not, the escalation is counted in the
     * metrics. Counts nothing: {@link #clarified} does, once Cognigy acknowledged it.
     */
    public boolean mayClarify(String sessionId) {
        boolean may = underLimit(sessionId);
        if (!may) {
            metrics.asrEscalation();
        }
        return may;
    }

    /** Counts a clarification Cognigy acknowledged, in the session's window and in the metrics. */
    public void clarified(String sessionId) {
        if (shared == null || !shared.count(sessionId, window.toMillis())) {
            countLocally(sessionId);
        }
        metrics.asrClarification();
    }

    private boolean underLimit(String sessionId) {
        if (max == 0) {
            return false;
        }
        if (shared != null) {
            PostgresClarificationCount.Limit limit = shared.limit(sessionId, max);
            if (limit != PostgresClarificationCount.Limit.UNAVAILABLE) {
                return limit == PostgresClarificationCount.Limit.UNDER;
            }
        }
        Window current = local.getIfPresent(sessionId);
        return current == null || current.endsAtMs() <= clock.millis() || current.clarifications() < max;
    }

    private void countLocally(String sessionId) {
        local.asMap().compute(sessionId, (id, current) -> {
            long now = clock.millis();
            return current == null || current.endsAtMs() <= now
                    ? new Window(1, now + window.toMillis())
                    : new Window(current.clarifications() + 1, current.endsAtMs());
        });
    }
}
