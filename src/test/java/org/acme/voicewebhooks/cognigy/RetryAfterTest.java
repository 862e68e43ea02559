package org.acme.voicewebhooks.cognigy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class RetryAfterTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void secondsAreRead() {
        assertThat(RetryAfter.parse("2", clock)).contains(Duration.ofSeconds(2));
        assertThat(RetryAfter.parse(" 0 ", clock)).contains(Duration.ZERO);
    }

    @Test
    void httpDateIsReadRelativeToNow() {
        assertThat(RetryAfter.parse("Sun, 22 Nov 2026 10:00:03 GMT", clock)).contains(Duration.ofSeconds(3));
        assertThat(RetryAfter.parse("Sun, 22 Nov 2026 09:00:00 GMT", clock)).contains(Duration.ZERO);
    }

    @Test
    void garbageOrNegativeIsIgnored() {
        assertThat(RetryAfter.parse("soon", clock)).isEmpty();
        assertThat(RetryAfter.parse("-1", clock)).isEmpty();
        assertThat(RetryAfter.parse(null, clock)).isEmpty();
    }
}
