package org.acme.voicewebhooks.duplicates;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.acme.voicewebhooks.cognigy.Budget;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.junit.jupiter.api.Test;

class DuplicateGuardTest {

    private final CamelContext camel = new DefaultCamelContext();

    private Exchange delivery(String key) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(DuplicateGuard.KEY, key);
        return exchange;
    }

    @Test
    void aDeliveryFirstSeenByAnotherInstanceIsStoppedWithADuplicateAnswer() throws Exception {
        MemoryIdempotentRepository shared = new MemoryIdempotentRepository();
        shared.start();
        shared.add("barge-in:s-1:1");
        DuplicateGuard guard = new DuplicateGuard(Duration.ofMinutes(10), 1000, shared, new Budget(2500, 100, 150, new WebhookMetrics(camel)), "X-Delivery-Id",
                new WebhookMetrics(camel));

        Exchange seenElsewhere = delivery("barge-in:s-1:1");
        guard.process(seenElsewhere);
        Exchange fresh = delivery("barge-in:s-1:2");
        guard.process(fresh);

        assertThat(seenElsewhere.isRouteStop()).isTrue();
        assertThat(seenElsewhere.getMessage().getBody(String.class)).isEqualTo("{\"status\":\"duplicate\"}");
        assertThat(fresh.isRouteStop()).isFalse();
        assertThat(shared.contains("barge-in:s-1:2")).isTrue();
    }

    @Test
    void asrKeyIsTheDeliveryIdOrTheBodyHashAndLeavesTheBodyReadable() throws Exception {
        DuplicateGuard guard = new DuplicateGuard(Duration.ofMinutes(10), 1000, null, new Budget(2500, 100, 150, new WebhookMetrics(camel)), "X-Delivery-Id",
                new WebhookMetrics(camel));
        Exchange withId = new DefaultExchange(camel);
        withId.getMessage().setHeader("X-Delivery-Id", "d-7");
        Exchange a = new DefaultExchange(camel);
        a.getMessage().setBody("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        Exchange b = new DefaultExchange(camel);
        b.getMessage().setBody("{\"a\":1}".getBytes(StandardCharsets.UTF_8));

        assertThat(guard.asrKey(withId)).isEqualTo("asr:id:d-7");
        assertThat(guard.asrKey(a)).isEqualTo(guard.asrKey(b)).startsWith("asr:sha256:");
        assertThat(a.getMessage().getBody(String.class)).isEqualTo("{\"a\":1}");
    }
}
