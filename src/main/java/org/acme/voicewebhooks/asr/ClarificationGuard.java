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
 * window from the session's first clarification) and refuses one more after asr.max-clarifications. Counted in this
 * instance's memory (bounded), or in PostgreSQL for all instances when duplicates.store is postgres, this instance's
 * count deciding while PostgreSQL fails.
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
     * Counts one more clarification of the session and says true, or says false when the session already had its
     * clarifications in this window (the caller escalates). Counted in the metrics either way.
     */
    public boolean mayClarify(String sessionId) {
        boolean may = count(sessionId);
        if (may) {
            metrics.asrClarification();
        } else {
            metrics.asrEscalation();
        }
        return may;
    }

    private boolean count(String sessionId) {
        if (max == 0) {
            return false;
        }
        if (shared != null) {
            PostgresClarificationCount.Count count = shared.count(sessionId, max, window.toMillis());
            if (count != PostgresClarificationCount.Count.UNAVAILABLE) {
                return count == PostgresClarificationCount.Count.COUNTED;
            }
        }
        return countLocally(sessionId);
    }

    private boolean countLocally(String sessionId) {
        boolean[] counted = {false};
        local.asMap().compute(sessionId, (id, current) -> {
            long now = clock.millis();
            if (current == null || current.endsAtMs() <= now) {
                counted[0] = true;
                return new Window(1, now + window.toMillis());
            }
            if (current.clarifications() < max) {
                counted[0] = true;
                return new Window(current.clarifications() + 1, current.endsAtMs());
            }
            return current;
        });
        return counted[0];
    }
}
