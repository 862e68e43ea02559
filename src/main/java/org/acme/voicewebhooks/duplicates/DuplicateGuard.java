package org.acme.voicewebhooks.duplicates;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.acme.voicewebhooks.webhook.Budget;
import org.acme.voicewebhooks.webhook.BudgetSpentException;
import org.acme.voicewebhooks.webhook.JsonAnswerProcessor;
import org.acme.voicewebhooks.webhook.NotAnObjectException;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.webhook.WebhookOutcomes;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.spi.SynchronizationRouteAware;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.camel.support.builder.ExpressionBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a webhook delivered again with the first delivery's answer, and stops it before any side effect. At most
 * {@code maxWaiters} duplicates of a delivery still in flight wait for it; further ones get 409 at once. A delivery that
 * failed (5xx) leaves the window, so its retry is processed again. Answers are kept in memory (bounded, for the
 * window); with the {@link PostgresDeliveryWindow} (or a shared Camel {@link IdempotentRepository}) a duplicate first
 * seen by another instance is recognised too, and a shared store that fails leaves this instance's window in charge.
 * The local window stays in front in every mode: the shared one is asked only about deliveries this instance has not
 * seen.
 */
public final class DuplicateGuard implements Processor {

    /** The delivery's key, set by the webhook before this step. */
    public static final String KEY = "duplicateKey";
    private static final Logger LOG = LoggerFactory.getLogger(DuplicateGuard.class);
    private static final Answer ELSEWHERE = new Answer(200, "application/json", "{\"status\":\"duplicate\"}");
    private static final Answer IN_PROGRESS = new Answer(409, "application/json", "{\"error\":\"Duplicate delivery in progress\"}");
    /** Marks a wait for another instance that outlasted the budget: the copies waiting here time out too. */
    private static final Answer TIMED_OUT = new Answer(504, "application/json", "{}");

    /** Distinct answers kept as one shared instance each: webhook answers are a handful of bodies, not one per delivery. */
    private static final int CANONICAL_ANSWERS = 1024;

    /** What the window holds for a delivery: the delivery still in flight, or its answer. */
    sealed interface Entry permits Delivery, Answer {
    }

    /** The answer a delivery got, to give again. */
    public record Answer(int status, String contentType, String body) implements Entry {

        boolean failed() {
            return status >= 500;
        }
    }

    /** A delivery in flight: its answer once it has one, and how many duplicates wait for it now. */
    private record Delivery(CompletableFuture<Answer> answer, AtomicInteger waiters) implements Entry {
    }

    /** A delivery's key in the window: 128 bits of its SHA-256, 32 bytes a key whatever the caller's ids. */
    record WindowKey(long high, long low) {

        static WindowKey of(String key) {
            ByteBuffer hash = ByteBuffer.wrap(sha256().digest(key.getBytes(StandardCharsets.UTF_8)));
            return new WindowKey(hash.getLong(), hash.getLong());
        }
    }

    private final Cache<WindowKey, Entry> deliveries;
    private final ConcurrentHashMap<Answer, Answer> canonical = new ConcurrentHashMap<>();
    private final int maxWaiters;
    private final IdempotentRepository shared;
    private final PostgresDeliveryWindow sharedWindow;
    private final String instanceId = UUID.randomUUID().toString();
    private final Budget budget;
    private final String deliveryIdHeader;
    private final WebhookMetrics metrics;

    public DuplicateGuard(Duration window, long capacity, int maxWaiters, IdempotentRepository shared,
            PostgresDeliveryWindow sharedWindow, Budget budget, String deliveryIdHeader, WebhookMetrics metrics) {
        this.metrics = metrics;
        this.deliveries = Caffeine.newBuilder().expireAfterWrite(window).maximumSize(capacity).build();
        this.maxWaiters = maxWaiters;
        this.shared = shared;
        this.sharedWindow = sharedWindow;
        this.budget = budget;
        this.deliveryIdHeader = deliveryIdHeader;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String key = exchange.getProperty(KEY, String.class);
        WindowKey windowKey = WindowKey.of(key);
        Delivery mine = new Delivery(new CompletableFuture<>(), new AtomicInteger());
        Entry first = deliveries.asMap().putIfAbsent(windowKey, mine);
        if (first instanceof Answer answered) {
            answerWith(exchange, answered);
            return;
        }
        if (first instanceof Delivery inFlight) {
            answerDuplicate(exchange, inFlight);
            return;
        }
        if (sharedWindow != null) {
            claimShared(exchange, key, windowKey, mine);
            return;
        }
        boolean inShared = false;
        if (shared != null) {
            try {
                inShared = shared.add(key);
                if (!inShared) {
                    answered(windowKey, mine, ELSEWHERE);
                    answerAgain(exchange, ELSEWHERE, "duplicate");
                    return;
                }
            } catch (RuntimeException e) {
                // a store that is down must not stop webhooks: this instance's window still stops its own duplicates
                storeFailed(exchange, "add", key, e);
            }
        }
        exchange.getExchangeExtension().addOnCompletion(new FirstAnswer(key, windowKey, mine, inShared, null));
    }

    /**
     * This instance's first copy of a delivery: processed when the shared window lets this instance claim it (or
     * cannot be asked); else it gets the answer another instance stored, waiting for it while that
     * instance is still in flight (this copy stands for the first one here; the others wait on it).
     */
    private void claimShared(Exchange exchange, String key, WindowKey windowKey, Delivery mine) throws InterruptedException {
        String owner = instanceId + ":" + exchange.getExchangeId();
        try {
            PostgresDeliveryWindow.Seen seen = sharedWindow.claim(key, owner);
            while (true) {
                switch (seen.state()) {
                    case WON -> {
                        exchange.getExchangeExtension().addOnCompletion(new FirstAnswer(key, windowKey, mine, false, owner));
                        return;
                    }
                    case UNAVAILABLE -> {
                        // the store is down: this instance's window decides alone
                        exchange.getExchangeExtension().addOnCompletion(new FirstAnswer(key, windowKey, mine, false, null));
                        return;
                    }
                    case ANSWERED -> {
                        answered(windowKey, mine, seen.answer());
                        answerAgain(exchange, seen.answer(), "duplicate");
                        return;
                    }
                    default -> {
                        // this copy holds the thread the first delivery would have held here; this instance's other
                        // copies wait on it, within duplicates.max-waiters
                        long left = budget.remainingMs(exchange);
                        if (left <= 0) {
                            giveUp(windowKey, mine, TIMED_OUT);
                            throw new BudgetSpentException(budget.budgetMs());
                        }
                        if (seen.state() == PostgresDeliveryWindow.State.IN_FLIGHT) {
                            Thread.sleep(Math.min(sharedWindow.pollMs(), left));
                            seen = sharedWindow.look(key);
                        } else {
                            seen = sharedWindow.claim(key, owner);   // gone: the first failed, or its lease ran out
                        }
                    }
                }
            }
        } catch (InterruptedException | RuntimeException e) {
            giveUp(windowKey, mine, TIMED_OUT);   // never leave copies here waiting on an answer that cannot come
            throw e;
        }
    }

    /** No answer from the other instance: copies waiting here get the same, and later ones ask the shared window. */
    private void giveUp(WindowKey windowKey, Delivery mine, Answer why) {
        deliveries.asMap().remove(windowKey, mine);
        mine.answer().complete(why);
    }

    /** The delivery's copies get its answer; the window keeps only the answer, shared with every equal one. */
    private void answered(WindowKey windowKey, Delivery mine, Answer answer) {
        mine.answer().complete(answer);
        Answer kept = canonical.size() < CANONICAL_ANSWERS ? canonical.computeIfAbsent(answer, a -> a) : answer;
        deliveries.asMap().replace(windowKey, mine, kept);
    }

    /** Gives the first delivery's answer to its copies as soon as its webhook route has it, or at the latest when done. */
    private final class FirstAnswer extends SynchronizationAdapter implements SynchronizationRouteAware {

        private final String key;
        private final WindowKey windowKey;
        private final Delivery delivery;
        private final boolean inShared;
        private final String owner;

        /** {@code inShared}: added to the shared repository; {@code owner}: claimed in the shared window, else null. */
        FirstAnswer(String key, WindowKey windowKey, Delivery delivery, boolean inShared, String owner) {
            this.key = key;
            this.windowKey = windowKey;
            this.delivery = delivery;
            this.inShared = inShared;
            this.owner = owner;
        }

        @Override
        public void onBeforeRoute(Route route, Exchange exchange) {
            // nothing to do before a route
        }

        @Override
        public void onAfterRoute(Route route, Exchange exchange) {
            // the webhook route ends before its answer is written: a retry sent on a 502 must find the window cleared
            if (route.getRouteId().equals(exchange.getFromRouteId())) {
                onDone(exchange);
            }
        }

        @Override
        public void onDone(Exchange exchange) {
            if (delivery.answer().isDone()) {
                return;
            }
            Answer answer = answerOf(exchange);
            if (answer.failed()) {
                forget(exchange, key, windowKey, delivery, inShared, owner);
                delivery.answer().complete(answer);
            } else {
                answered(windowKey, delivery, answer);
                if (owner != null) {
                    sharedWindow.answer(key, owner, answer);
                }
            }
        }
    }

    /** A copy gets the first answer, waiting for it if there is room; otherwise 409 at once, never cached. */
    private void answerDuplicate(Exchange exchange, Delivery first) throws InterruptedException {
        if (first.answer().isDone()) {
            answerWith(exchange, first.answer().join());
            return;
        }
        try {
            // each waiter holds a worker thread: past the bound, a copy is refused rather than parked
            if (first.waiters().incrementAndGet() > maxWaiters) {
                answerAgain(exchange, IN_PROGRESS, "duplicate_in_progress");
                return;
            }
            answerWith(exchange, awaitFirst(exchange, first.answer()));
        } finally {
            first.waiters().decrementAndGet();
        }
    }

    /** A failed delivery leaves the window, here and in the shared store, so that its retry is processed again. */
    private void forget(Exchange exchange, String key, WindowKey windowKey, Delivery mine, boolean inShared, String owner) {
        deliveries.asMap().remove(windowKey, mine);
        if (owner != null) {
            sharedWindow.forget(key, owner);
        }
        if (inShared) {
            try {
                shared.remove(key);
            } catch (RuntimeException e) {
                storeFailed(exchange, "remove", key, e);
            }
        }
    }

    private void storeFailed(Exchange exchange, String operation, String key, RuntimeException e) {
        metrics.duplicateStoreFailure(operation);
        // the key's hash and the exception's class only: a key holds caller text, a message may hold credentials
        LOG.warn("{} duplicate store failed on {}, this instance's window decides: key={} correlationId={} error={}",
                exchange.getFromRouteId(), operation, keyHash(key), exchange.getExchangeId(), e.getClass().getName());
    }

    private static String keyHash(String key) {
        return HexFormat.of().formatHex(sha256().digest(key.getBytes(StandardCharsets.UTF_8)), 0, 8);
    }

    /** Deletes the shared window's expired rows (housekeeping); 0 without a shared window. */
    public int removeExpiredShared() {
        return sharedWindow == null ? 0 : sharedWindow.removeExpired();
    }

    /** The ASR key of each delivery, see {@link #asrKey(Exchange)}. */
    public Expression asrKey() {
        return ExpressionBuilder.exchangeExpression(this::asrKey);
    }

    /** The ASR key: the caller's delivery id when it sends one, else a hash of the raw body (which stays readable). */
    public String asrKey(Exchange exchange) {
        String deliveryId = exchange.getMessage().getHeader(deliveryIdHeader, String.class);
        if (deliveryId != null && !deliveryId.isBlank()) {
            return "asr:id:" + deliveryId;
        }
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null) {
            throw new NotAnObjectException("body must be a JSON object"); // e.g. a form, which the server keeps apart
        }
        exchange.getMessage().setBody(body);
        byte[] hash = sha256().digest(body);
        return "asr:sha256:" + HexFormat.of().formatHex(hash);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private Answer awaitFirst(Exchange exchange, CompletableFuture<Answer> first) throws InterruptedException {
        try {
            return first.get(Math.max(0, budget.remainingMs(exchange)), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new BudgetSpentException(budget.budgetMs());
        }
    }

    /** A copy's answer: the first one's, or what this instance's first copy got from the shared window. */
    private void answerWith(Exchange exchange, Answer first) {
        if (first == TIMED_OUT) {
            throw new BudgetSpentException(budget.budgetMs());
        }
        answerAgain(exchange, first, first == IN_PROGRESS ? "duplicate_in_progress" : "duplicate");
    }

    private void answerAgain(Exchange exchange, Answer answer, String outcome) {
        metrics.duplicateSuppressed(exchange.getFromRouteId());
        exchange.setProperty(WebhookOutcomes.OUTCOME, outcome);
        JsonAnswerProcessor.answer(exchange.getMessage(), answer.status(), answer.contentType(), answer.body());
        exchange.setRouteStop(true);
    }

    private static Answer answerOf(Exchange done) {
        if (done.getException() != null) {
            return new Answer(500, "application/json", "{\"error\":\"Internal processing error\"}");
        }
        return new Answer(
                done.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class),
                done.getMessage().getHeader(Exchange.CONTENT_TYPE, "application/json", String.class),
                JsonAnswerProcessor.text(done.getMessage()));
    }
}
