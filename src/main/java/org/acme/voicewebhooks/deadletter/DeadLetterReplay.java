package org.acme.voicewebhooks.deadletter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.GetResponse;
import org.acme.voicewebhooks.cognigy.CognigyClientRoutes;
import org.acme.voicewebhooks.cognigy.CognigyCommand;
import org.acme.voicewebhooks.cognigy.CognigyRedelivery;
import org.acme.voicewebhooks.webhook.WebhookException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.spi.IdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-sends chosen dead letters from the file store, each at most once (a ledger of replayed ids, marked before
 * sending), then those of the RabbitMQ queue when dead letters go there; skips the ones older than the maximum age, and
 * appends every outcome to a replay-outcomes file.
 */
public final class DeadLetterReplay {

    private static final Logger LOG = LoggerFactory.getLogger("dead-letter-replay");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    /** Which entries to replay: all, one session's, a time range, or both. */
    record Criteria(String sessionId, Instant from, Instant to) {
        boolean matches(JsonNode entry, Instant time) {
            return (sessionId == null || sessionId.equals(entry.path("sessionId").asText(null)))
                    && (from == null || !time.isBefore(from))
                    && (to == null || time.isBefore(to));
        }
    }

    private final ObjectMapper json;
    private final Path dir;
    private final Duration maxAge;
    private final IdempotentRepository replayed;
    private final String instanceName;
    private final Clock clock;
    private final Supplier<DeadLetterQueue> queue;
    private final int maxAttempts;

    /**
     * {@code queue} gives null unless dead letters go to RabbitMQ (asked when a replay runs); an entry of it failing
     * {@code maxAttempts} times is parked.
     */
    public DeadLetterReplay(ObjectMapper json, Path dir, Duration maxAge, IdempotentRepository replayed,
            String instanceName, Clock clock, Supplier<DeadLetterQueue> queue, int maxAttempts) {
        this.queue = queue;
        this.maxAttempts = maxAttempts;
        this.json = json;
        this.dir = dir;
        this.maxAge = maxAge;
        this.replayed = replayed;
        this.instanceName = instanceName;
        this.clock = clock;
    }

    /** The ledger of replayed ids, a service of the context. */
    public IdempotentRepository ledger() {
        return replayed;
    }

    /** Replays the entries the request body chooses; the body becomes the counts of each outcome. */
    public void replay(Exchange exchange) {
        Criteria criteria = criteria(exchange.getMessage().getBody(String.class));
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String outcome : List.of("selected", "acknowledged", "failed", "expired", "alreadyReplayed", "unreadable",
                "parked")) {
            counts.put(outcome, 0);
        }
        // before anything is sent: 409 while another instance replays, 503 while the queue cannot be read
        DeadLetterQueue deadLetterQueue = queue.get();
        DeadLetterQueue.Replay fromQueue = deadLetterQueue == null ? null : deadLetterQueue.replay();
        ProducerTemplate template = exchange.getContext().createProducerTemplate();
        List<String> outcomes = new ArrayList<>();
        try {
            for (JsonNode entry : entries(counts)) {
                Instant time = Instant.parse(entry.path("time").asText());
                if (!criteria.matches(entry, time)) {
                    continue;
                }
                counts.merge("selected", 1, Integer::sum);
                String id = entry.path("id").asText();
                // marked before sending: an entry is never sent twice, even if this replay is cut short
                if (!replayed.add(id)) {
                    counts.merge("alreadyReplayed", 1, Integer::sum);
                    continue;
                }
                ObjectNode outcome = outcome(entry);
                if (time.isBefore(clock.instant().minus(maxAge))) {
                    outcome.put("outcome", "expired");
                } else {
                    send(template, entry, outcome);
                }
                counts.merge(outcome.get("outcome").asText(), 1, Integer::sum);
                outcomes.add(outcome.toString());
            }
            if (fromQueue != null) {
                replayQueue(fromQueue, criteria, counts, template);
            }
        } finally {
            record(outcomes);
            if (fromQueue != null) {
                fromQueue.close();
            }
            try {
                template.stop();
            } catch (Exception e) {
                // nothing is lost: the template holds no state
            }
        }
        ObjectNode answer = json.createObjectNode();
        counts.forEach(answer::put);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(answer.toString());
    }

    /**
     * Takes the queue's entries one by one; each is settled only after its outcome is recorded: acknowledged when sent
     * or expired, back to the end of the queue when its send failed, parked once it failed {@code maxAttempts} times.
     * An entry taken but not settled (a crash) returns to the queue: it may be sent again, with the same Idempotency-Key.
     */
    private void replayQueue(DeadLetterQueue.Replay fromQueue, Criteria criteria, Map<String, Integer> counts,
            ProducerTemplate template) {
        try {
            for (GetResponse message = fromQueue.next(); message != null; message = fromQueue.next()) {
                JsonNode entry = readable(new String(message.getBody(), StandardCharsets.UTF_8));
                int attempts = DeadLetterQueue.Replay.attempts(message);
                if (entry == null) {
                    counts.merge("unreadable", 1, Integer::sum);
                    LOG.warn("dead-letter replay parked an unreadable message of the dead-letter queue");
                    fromQueue.park(message, attempts);
                    continue;
                }
                Instant time = Instant.parse(entry.path("time").asText());
                if (!criteria.matches(entry, time)) {
                    fromQueue.leave(message);
                    continue;
                }
                counts.merge("selected", 1, Integer::sum);
                ObjectNode outcome = outcome(entry);
                if (time.isBefore(clock.instant().minus(maxAge))) {
                    outcome.put("outcome", "expired");
                } else {
                    send(template, entry, outcome);
                    if (outcome.get("outcome").asText().equals("failed") && attempts + 1 >= maxAttempts) {
                        outcome.put("outcome", "parked").put("attempts", attempts + 1);
                    }
                }
                String result = outcome.get("outcome").asText();
                record(List.of(outcome.toString()));
                switch (result) {
                    case "failed" -> fromQueue.retryLater(message, attempts + 1);
                    case "parked" -> fromQueue.park(message, attempts + 1);
                    default -> fromQueue.ack(message);
                }
                counts.merge(result, 1, Integer::sum);
            }
        } catch (IOException | TimeoutException e) {
            LOG.warn("dead-letter replay lost RabbitMQ ({}); entries not settled stay in the queue", e.getClass().getSimpleName());
            throw new WebhookException(503, "Dead-letter queue unavailable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WebhookException(503, "Dead-letter queue unavailable");
        }
    }

    private ObjectNode outcome(JsonNode entry) {
        return json.createObjectNode().put("id", entry.path("id").asText()).put("time", clock.instant().toString())
                .put("command", entry.path("command").asText(null)).put("sessionId", entry.path("sessionId").asText(null));
    }

    private void send(ProducerTemplate template, JsonNode entry, ObjectNode outcome) {
        Exchange result = template.send(CognigyClientRoutes.REPLAY_CALL, exchange -> {
            exchange.setProperty(CognigyClientRoutes.PATH, entry.path("path").asText());
            exchange.setProperty(CognigyClientRoutes.COMMAND, entry.path("command").asText(null));
            exchange.setProperty(CognigyClientRoutes.IDEMPOTENCY_KEY, entry.path("idempotencyKey").asText(null));
            exchange.setProperty(CognigyClientRoutes.METHOD, entry.path("method").asText("POST"));
            exchange.setProperty(CognigyClientRoutes.AUTH, authOf(entry.path("auth").asText("login-token")));
            exchange.getMessage().setBody(entry.path("body").toString());
        });
        Exception failure = result.getException();
        if (failure == null) {
            outcome.put("outcome", "acknowledged");
        } else {
            outcome.put("outcome", "failed").put("error", CognigyRedelivery.describe(failure));
            if (failure instanceof HttpOperationFailedException http) {
                outcome.put("lastStatus", http.getStatusCode());
            }
        }
    }

    /** The auth mode of an entry; "bearer" is what older entries said for a login token. */
    private static CognigyCommand.Auth authOf(String auth) {
        return auth.equals("bearer") ? CognigyCommand.Auth.LOGIN_TOKEN
                : CognigyCommand.Auth.valueOf(auth.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }

    private Criteria criteria(String body) {
        if (body == null || body.isBlank()) {
            return new Criteria(null, null, null);
        }
        try {
            JsonNode node = json.readTree(body);
            if (!node.isObject()) {
                throw new WebhookException(400, "Replay criteria must be a JSON object");
            }
            return new Criteria(node.path("sessionId").asText(null), instant(node, "from"), instant(node, "to"));
        } catch (IOException | DateTimeParseException e) {
            throw new WebhookException(400, "Replay criteria: {\"sessionId\":…, \"from\":ISO-8601, \"to\":ISO-8601}, each optional");
        }
    }

    private static Instant instant(JsonNode node, String field) {
        return node.hasNonNull(field) ? Instant.parse(node.get(field).asText()) : null;
    }

    /** Every entry of the store; a line that is not a whole entry (e.g. torn by a crash) is skipped and counted. */
    private List<JsonNode> entries(Map<String, Integer> counts) {
        List<JsonNode> entries = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return entries;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("dead-letters-")).sorted().toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode entry = readable(line);
                    if (entry == null) {
                        counts.merge("unreadable", 1, Integer::sum);
                        LOG.warn("dead-letter replay skipped an unreadable line in {}", file.getFileName());
                    } else {
                        entries.add(entry);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    private JsonNode readable(String line) {
        try {
            JsonNode entry = json.readTree(line);
            return entry.isObject() && entry.path("id").isTextual() && entry.path("time").isTextual()
                    && entry.path("path").isTextual() && isInstant(entry.path("time").asText()) ? entry : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isInstant(String text) {
        try {
            Instant.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private void record(List<String> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve("replay-outcomes-" + DAY.format(clock.instant()) + "-" + instanceName + ".jsonl");
            Files.writeString(file, String.join("\n", outcomes) + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND, java.nio.file.StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
