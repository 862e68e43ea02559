package org.acme.voicewebhooks.cognigy.ratelimit;

import org.acme.voicewebhooks.webhook.Budget;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a token for every request to Cognigy (commands, retries, logins, replays) from the bucket all instances share,
 * or, while it cannot be reached, from this instance's share of the limit, never unlimited. Stop-TTS and clarifications
 * may empty the bucket; state resets and logins stop while the urgent reserve is all that is left, replays while the
 * replay reserve is. A call waits for a token only as long as its budget allows; otherwise it is not sent.
 */
public final class CognigyRateLimiter extends ServiceSupport {

    /** Who asks: the share of the bucket it must leave to the others. */
    public enum Priority { URGENT, NORMAL, REPLAY }

    private static final Set<String> URGENT_COMMANDS = Set.of("cognigy-abort-tts", "cognigy-clarify");
    private static final Logger LOG = LoggerFactory.getLogger("cognigy-rate-limit");

    private final RateLimitSettings limit;
    private final SharedTokenBucket shared;
    private final LocalTokenBucket local;
    private final Budget budget;
    private final WebhookMetrics metrics;
    private final AtomicBoolean outage = new AtomicBoolean();
    private volatile long sharedAgainAt;

    /** With no {@code dataSource}, the local bucket of this instance's share is the only one. */
    public CognigyRateLimiter(RateLimitSettings limit, DataSource dataSource, String prefix, Budget budget, WebhookMetrics metrics) {
        this(limit, dataSource == null ? null : new SharedTokenBucket(dataSource, prefix, limit.count(), limit.perSecond()),
                new LocalTokenBucket((double) limit.count() / limit.instances(), limit.perSecond() / limit.instances()),
                budget, metrics);
    }

    CognigyRateLimiter(RateLimitSettings limit, SharedTokenBucket shared, LocalTokenBucket local, Budget budget,
            WebhookMetrics metrics) {
        this.limit = limit;
        this.shared = shared;
        this.local = local;
        this.budget = budget;
        this.metrics = metrics;
    }

    @Override
    protected void doStart() {
        if (shared == null) {
            LOG.info("Cognigy rate limit {}: this instance's share, {}, without a shared database", limit, share());
            return;
        }
        try {
            shared.create();
            LOG.info("Cognigy rate limit {}: shared by all instances in PostgreSQL", limit);
        } catch (SQLException | RuntimeException e) {
            storeFailed(e);
        }
    }

    /** Stop-TTS and clarifications are urgent, anything else normal (replays say so themselves). */
    public static Priority priorityOf(String command) {
        return command != null && URGENT_COMMANDS.contains(command) ? Priority.URGENT : Priority.NORMAL;
    }

    /** For a login (or OAuth2 token request): normal priority, within the budget of the attempt that needs it. */
    public void acquireForLogin(Exchange exchange) {
        acquire(exchange, Priority.NORMAL);
    }

    /** Takes a token, waiting for one while the budget allows, or throws {@link RateLimitedException}. */
    public void acquire(Exchange exchange, Priority priority) {
        boolean waited = false;
        while (true) {
            TokenBucket.Take take = take(priority);
            if (take.granted()) {
                metrics.rateLimit(waited ? "waited" : "granted", tag(priority));
                return;
            }
            if (!budget.allowsAttemptAfter(exchange, take.waitMs())) {
                metrics.rateLimit("refused", tag(priority));
                throw new RateLimitedException();
            }
            waited = true;
            try {
                // bounded by the budget; the next try is one more round trip, when a token should be back
                TimeUnit.MILLISECONDS.sleep(take.waitMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                metrics.rateLimit("refused", tag(priority));
                throw new RateLimitedException();
            }
        }
    }

    TokenBucket.Take take(Priority priority) {
        if (shared != null && System.nanoTime() - sharedAgainAt >= 0) {
            try {
                TokenBucket.Take take = shared.take(floor(priority, shared.capacity()));
                if (outage.compareAndSet(true, false)) {
                    LOG.info("Cognigy rate limit store answers again: the limit {} is shared again", limit);
                }
                return take;
            } catch (SQLException | RuntimeException e) {
                storeFailed(e);
            }
        }
        return local.take(floor(priority, local.capacity()));
    }

    /** Once per outage a WARN; every failure counted; the store is tried again after a pause, not on every call. */
    private void storeFailed(Exception e) {
        metrics.rateLimitStoreFailure();
        sharedAgainAt = System.nanoTime() + limit.storeRetry().toNanos();
        if (outage.compareAndSet(false, true)) {
            LOG.warn("Cognigy rate limit store unavailable ({}, SQL state {}): this instance keeps to its share, {}, "
                    + "until it answers", e.getClass().getSimpleName(),
                    e instanceof SQLException sql ? sql.getSQLState() : "-", share());
        }
    }

    /** The tokens a priority must leave in a bucket of {@code capacity}: none for urgent calls; never all of it. */
    double floor(Priority priority, double capacity) {
        double reserve = switch (priority) {
            case URGENT -> 0;
            case NORMAL -> limit.urgentReserve();
            case REPLAY -> limit.replayReserve();
        };
        return Math.max(0, Math.min(reserve * capacity, capacity - 1));
    }

    private String share() {
        double tokens = local.capacity();
        return (tokens == Math.rint(tokens) ? String.valueOf((long) tokens) : String.format(Locale.ROOT, "%.2f", tokens))
                + "/" + limit.seconds() + "s";
    }

    private static String tag(Priority priority) {
        return priority.name().toLowerCase(Locale.ROOT);
    }
}
