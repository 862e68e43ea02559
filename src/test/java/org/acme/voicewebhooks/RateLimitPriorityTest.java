package org.acme.voicewebhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.acme.voicewebhooks.webhook.Budget;
import org.acme.voicewebhooks.cognigy.ratelimit.CognigyRateLimiter;
import org.acme.voicewebhooks.cognigy.ratelimit.RateLimitSettings;
import org.acme.voicewebhooks.cognigy.ratelimit.RateLimitedException;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The limiter's order: with the bucket nearly empty a stop-TTS still gets a token while a replay is refused; state
 * resets and logins stop at the urgent reserve. The same for the shared bucket (PostgreSQL) and the local one.
 */
class RateLimitPriorityTest {

    // 10 per 300 s: one token back every 30 s, far beyond a budget; replays leave 3, resets and logins leave 1
    private static final RateLimitSettings LIMIT = new RateLimitSettings(10, 300, 1, 0.1, 0.3, Duration.ofSeconds(5));

    private final CamelContext context = new DefaultCamelContext();
    private final WebhookMetrics metrics = new WebhookMetrics(context);
    private final Budget budget = new Budget(2500, 100, 150);
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    @Test
    void sharedBucketServesStopTtsBeforeResetsAndResetsBeforeReplays() {
        SharedServers.requirePostgres();
        HikariDataSource database = new HikariDataSource();
        database.setJdbcUrl(SharedServers.POSTGRES_URL);
        database.setUsername(SharedServers.POSTGRES_USER);
        closing.add(database);

        assertPriorities(database);
    }

    @Test
    void localBucketServesStopTtsBeforeResetsAndResetsBeforeReplays() {
        assertPriorities(null);
    }

    @Test
    void aCallWaitsForATokenWhileItsBudgetHolds() {
        // 2 per second: the third call finds the bucket empty, and a token back in 500 ms, well within its budget
        CognigyRateLimiter limiter = new CognigyRateLimiter(new RateLimitSettings(2, 1, 1, 0.1, 0.3, Duration.ofSeconds(5)),
                null, "unused", budget, metrics);
        limiter.start();
        limiter.acquire(exchange(), CognigyRateLimiter.priorityOf("cognigy-clarify"));
        limiter.acquire(exchange(), CognigyRateLimiter.priorityOf("cognigy-clarify"));

        long start = System.nanoTime();
        limiter.acquire(exchange(), CognigyRateLimiter.priorityOf("cognigy-clarify"));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(300));
    }

    private void assertPriorities(DataSource database) {
        CognigyRateLimiter limiter = new CognigyRateLimiter(LIMIT, database, SharedServers.uniquePrefix(), budget, metrics);
        limiter.start();
        closing.add(limiter::stop);

        for (int i = 0; i < 7; i++) {
            limiter.acquire(exchange(), CognigyRateLimiter.priorityOf("cognigy-clarify"));
        }
        // 3 left: exactly the replay reserve
        assertThatThrownBy(() -> limiter.acquire(exchange(), CognigyRateLimiter.Priority.REPLAY)).isInstanceOf(RateLimitedException.class);
        limiter.acquire(exchange(), CognigyRateLimiter.priorityOf("cognigy-reset-state"));
        limiter.acquireForLogin(exchange());
        // 1 left: only stop-TTS and clarifications may take it
        assertThatThrownBy(() -> limiter.acquire(exchange(), CognigyRateLimiter.priorityOf("cognigy-reset-state"))).isInstanceOf(RateLimitedException.class);
        assertThatThrownBy(() -> limiter.acquireForLogin(exchange())).isInstanceOf(RateLimitedException.class);
        assertThatThrownBy(() -> limiter.acquire(exchange(), CognigyRateLimiter.Priority.REPLAY)).isInstanceOf(RateLimitedException.class);
        limiter.acquire(exchange(), CognigyRateLimiter.priorityOf("cognigy-abort-tts"));
        assertThatThrownBy(() -> limiter.acquire(exchange(), CognigyRateLimiter.priorityOf("cognigy-abort-tts"))).isInstanceOf(RateLimitedException.class);
    }

    private Exchange exchange() {
        return new DefaultExchange(context);
    }
}
