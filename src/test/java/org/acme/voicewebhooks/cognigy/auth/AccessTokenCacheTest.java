package org.acme.voicewebhooks.cognigy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class AccessTokenCacheTest {

    private final MutableClock clock = new MutableClock();
    private final AtomicInteger logins = new AtomicInteger();
    private final AccessTokenCache tokens = new AccessTokenCache(
            () -> new AccessToken("t-" + logins.incrementAndGet(), clock.instant().plusSeconds(3600)),
            clock, Duration.ofSeconds(30));

    private String bearer() {
        return "Bearer " + tokens.current().value();
    }

    @Test
    void cachedTokenIsReusedUntilThirtySecondsRemain() {
        assertThat(bearer()).isEqualTo("Bearer t-1");
        clock.advance(Duration.ofSeconds(3569));
        assertThat(bearer()).isEqualTo("Bearer t-1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(bearer()).isEqualTo("Bearer t-2");
        assertThat(logins).hasValue(2);
    }

    @Test
    void refreshDropsOnlyTheTokenThatFailed() {
        String stale = tokens.current().value();
        String late = tokens.current().value();

        tokens.invalidate(stale);
        assertThat(bearer()).isEqualTo("Bearer t-2");
        // another request that had also sent t-1 must not throw away the fresh t-2
        tokens.invalidate(late);
        assertThat(bearer()).isEqualTo("Bearer t-2");
        assertThat(logins).hasValue(2);
    }

    @Test
    void waitersShareOneLogin() throws Exception {
        CountDownLatch loginStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger slowLogins = new AtomicInteger();
        AccessTokenCache slow = new AccessTokenCache(() -> {
            slowLogins.incrementAndGet();
            loginStarted.countDown();
            await(release);
            return new AccessToken("shared", clock.instant().plusSeconds(3600));
        }, clock, Duration.ofSeconds(30));

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> values = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                values.add(pool.submit(() -> slow.current().value()));
            }
            assertThat(loginStarted.await(5, TimeUnit.SECONDS)).isTrue();
            release.countDown();
            for (Future<String> v : values) {
                assertThat(v.get(5, TimeUnit.SECONDS)).isEqualTo("shared");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(slowLogins).hasValue(1);
    }

    @Test
    void tokenValueNeverAppearsInToString() {
        assertThat(new AccessToken("secret-token", Instant.EPOCH).toString()).doesNotContain("secret-token");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-22T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
