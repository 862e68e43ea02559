package org.acme.voicewebhooks.duplicates;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.acme.voicewebhooks.cognigy.Budget;
import org.acme.voicewebhooks.cognigy.BudgetSpentException;
import org.acme.voicewebhooks.web.NotAnObjectException;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.observe.WebhookOutcomes;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Processor;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.camel.support.builder.ExpressionBuilder;

/**
 * Answers a webhook delivered again with the first delivery's answer, and stops it before any side effect. A duplicate
 * of a delivery still in flight waits for it. Answers are kept in memory (bounded, for the window); with a shared
 * Camel {@link IdempotentRepository} a duplicate first seen by another instance is recognised too.
 */
public final class DuplicateGuard implements Processor {

    /** The delivery's key, set by the webhook before this step. */
    public static final String KEY = "duplicateKey";
    private static final String ELSEWHERE = "{\"status\":\"duplicate\"}";

    /** The answer a delivery got, to give again. */
    record Answer(int status, String contentType, String body) {
    }

    private final Cache<String, CompletableFuture<Answer>> answers;
    private final IdempotentRepository shared;
    private final Budget budget;
    private final String deliveryIdHeader;
    private final WebhookMetrics metrics;

    public DuplicateGuard(Duration window, long capacity, IdempotentRepository shared, Budget budget, String deliveryIdHeader,
            WebhookMetrics metrics) {
        this.metrics = metrics;
        this.answers = Caffeine.newBuilder().expireAfterWrite(window).maximumSize(capacity).build();
        this.shared = shared;
        this.budget = budget;
        this.deliveryIdHeader = deliveryIdHeader;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String key = exchange.getProperty(KEY, String.class);
        CompletableFuture<Answer> mine = new CompletableFuture<>();
        CompletableFuture<Answer> first = answers.asMap().putIfAbsent(key, mine);
        if (first != null) {
            answerAgain(exchange, awaitFirst(exchange, first));
            return;
        }
        if (shared != null && !shared.add(key)) {
            Answer elsewhere = new Answer(200, "application/json", ELSEWHERE);
            mine.complete(elsewhere);
            answerAgain(exchange, elsewhere);
            return;
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                mine.complete(answerOf(done));
            }
        });
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

    private void answerAgain(Exchange exchange, Answer answer) {
        metrics.duplicateSuppressed(exchange.getFromRouteId());
        exchange.setProperty(WebhookOutcomes.OUTCOME, "duplicate");
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, answer.status());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, answer.contentType());
        exchange.getMessage().setBody(answer.body().getBytes(StandardCharsets.UTF_8));
        exchange.setRouteStop(true);
    }

    private static Answer answerOf(Exchange done) {
        if (done.getException() != null) {
            return new Answer(500, "application/json", "{\"error\":\"Internal processing error\"}");
        }
        return new Answer(
                done.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class),
                done.getMessage().getHeader(Exchange.CONTENT_TYPE, "application/json", String.class),
                done.getMessage().getBody(String.class));
    }
}
