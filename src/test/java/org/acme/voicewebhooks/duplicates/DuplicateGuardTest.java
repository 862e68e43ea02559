package org.acme.voicewebhooks.duplicates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.acme.voicewebhooks.webhook.Budget;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.webhook.WebhookOutcomes;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.junit.jupiter.api.Test;

class DuplicateGuardTest {

    private static final String KEY = "barge-in:s-1:1";
    private static final String ANSWER = "{\"status\":\"processed\"}";

    private final CamelContext camel = new DefaultCamelContext();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    DuplicateGuardTest() {
        camel.getRegistry().bind("meters", meters);
    }

    private DuplicateGuard guard(int maxWaiters, IdempotentRepository shared) {
        WebhookMetrics metrics = new WebhookMetrics(camel);
        return new DuplicateGuard(Duration.ofMinutes(10), 1000, maxWaiters, shared, null, new Budget(2500, 100, 150),
                "X-Delivery-Id", metrics);
    }

    private Exchange delivery(String key) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(DuplicateGuard.KEY, key);
        return exchange;
    }

    /** What the route does after the guard: answer, then run the exchange's completions. */
    private static void answer(Exchange exchange, int status, String body) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(body);
        exchange.getExchangeExtension().handoverCompletions().forEach(done -> done.onComplete(exchange));
    }

    private static String body(Exchange exchange) {
        return exchange.getMessage().getBody(String.class);
    }

    private static int status(Exchange exchange) {
        return exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    }

    @Test
    void aDeliveryFirstSeenByAnotherInstanceIsStoppedWithADuplicateAnswer() throws Exception {
        MemoryIdempotentRepository shared = new MemoryIdempotentRepository();
        shared.start();
        shared.add(KEY);
        DuplicateGuard guard = guard(2, shared);

        Exchange seenElsewhere = delivery(KEY);
        guard.process(seenElsewhere);
        Exchange fresh = delivery("barge-in:s-1:2");
        guard.process(fresh);

        assertThat(seenElsewhere.isRouteStop()).isTrue();
        assertThat(body(seenElsewhere)).isEqualTo("{\"status\":\"duplicate\"}");
        assertThat(fresh.isRouteStop()).isFalse();
        assertThat(shared.contains("barge-in:s-1:2")).isTrue();
    }

    @Test
    void aSharedStoreThatFailsOnAddLeavesTheDeliveryToTheLocalWindow() throws Exception {
        IdempotentRepository down = new MemoryIdempotentRepository() {
            @Override
            public boolean add(String key) {
                throw new IllegalStateException("connection refused");
            }
        };
        DuplicateGuard guard = guard(2, down);

        Exchange first = delivery(KEY);
        guard.process(first);
        assertThat(first.isRouteStop()).isFalse();
        answer(first, 200, ANSWER);
        Exchange again = delivery(KEY);
        guard.process(again);

        assertThat(again.isRouteStop()).isTrue();
        assertThat(status(again)).isEqualTo(200);
        assertThat(body(again)).isEqualTo(ANSWER);
        assertThat(meters.counter("webhooks.duplicates.store.failures", "operation", "add").count()).isEqualTo(1);
    }

    @Test
    void aFailedDeliveryLeavesTheWindowAndTheSharedStoreSoItsRetryIsProcessed() throws Exception {
        MemoryIdempotentRepository shared = new MemoryIdempotentRepository();
        shared.start();
        DuplicateGuard guard = guard(2, shared);

        Exchange first = delivery(KEY);
        guard.process(first);
        answer(first, 502, "{\"error\":\"API error 503\"}");
        assertThat(shared.contains(KEY)).isFalse();
        Exchange retry = delivery(KEY);
        guard.process(retry);

        assertThat(retry.isRouteStop()).isFalse();
        answer(retry, 200, ANSWER);
        Exchange again = delivery(KEY);
        guard.process(again);
        assertThat(body(again)).isEqualTo(ANSWER);
    }

    @Test
    void anExceptionCountsAsAFailureToo() throws Exception {
        DuplicateGuard guard = guard(2, null);

        Exchange first = delivery(KEY);
        guard.process(first);
        first.setException(new IllegalStateException("boom"));
        first.getExchangeExtension().handoverCompletions().forEach(done -> done.onFailure(first));
        Exchange retry = delivery(KEY);
        guard.process(retry);

        assertThat(retry.isRouteStop()).isFalse();
    }

    @Test
    void atMostMaxWaitersCopiesWaitAndFurtherOnesGet409AtOnce() throws Exception {
        DuplicateGuard guard = guard(2, null);
        Exchange first = delivery(KEY);
        guard.process(first);

        List<Exchange> waiting = Stream.generate(() -> delivery(KEY)).limit(2).toList();
        List<Thread> waiters = waiting.stream().map(copy -> new Thread(() -> {
            try {
                guard.process(copy);
            } catch (Exception e) {
                copy.setException(e);
            }
        })).toList();
        waiters.forEach(Thread::start);
        // a copy parked on the first answer is TIMED_WAITING: both places are taken
        await().atMost(Duration.ofSeconds(2)).until(() -> waiters.stream().allMatch(t -> t.getState() == Thread.State.TIMED_WAITING));
        Exchange third = delivery(KEY);
        guard.process(third);

        assertThat(third.isRouteStop()).isTrue();
        assertThat(status(third)).isEqualTo(409);
        assertThat(third.getMessage().getHeader(Exchange.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(body(third)).isEqualTo("{\"error\":\"Duplicate delivery in progress\"}");
        assertThat(third.getProperty(WebhookOutcomes.OUTCOME)).isEqualTo("duplicate_in_progress");

        answer(first, 200, ANSWER);
        for (Thread waiter : waiters) {
            waiter.join(2_000);
        }
        assertThat(waiting).allSatisfy(copy -> {
            assertThat(copy.getException()).isNull();
            assertThat(status(copy)).isEqualTo(200);
            assertThat(body(copy)).isEqualTo(ANSWER);
        });
        // the 409 was never the delivery's answer, and an answered delivery makes nobody wait
        Exchange later = delivery(KEY);
        guard.process(later);
        assertThat(body(later)).isEqualTo(ANSWER);
    }

    @Test
    void asrKeyIsTheDeliveryIdOrTheBodyHashAndLeavesTheBodyReadable() throws Exception {
        DuplicateGuard guard = guard(2, null);
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
