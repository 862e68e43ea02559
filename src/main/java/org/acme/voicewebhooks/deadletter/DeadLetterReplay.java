package org.acme.voicewebhooks.deadletter;

import java.io.IOException;
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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.GetResponse;
import org.acme.voicewebhooks.cognigy.CognigyCall;
import org.acme.voicewebhooks.cognigy.CognigyRetryPolicy;
import org.acme.voicewebhooks.webhook.LogSafe;
import org.acme.voicewebhooks.webhook.RawBody;
import org.acme.voicewebhooks.webhook.WebhookException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-sends chosen dead letters from the file store, each at most once (a ledger of replayed ids, marked before
 * sending), then those of the RabbitMQ queue when dead letters go there; skips the ones older than the maximum age, and
 * appends every outcome to a replay-outcomes file. A store folder it cannot use makes the replay a 503.
 */
public final class DeadLetterReplay extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger("dead-letter-replay");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final Set<String> CRITERIA_FIELDS = Set.of("sessionId", "from", "to", "all");
    private static final String MISSING =
            "Replay criteria missing: give sessionId, from and/or to, or {\"all\":true} for every entry";

    /** Which entries to replay: all (no field set), one session's, a time range, or both. */
    record Criteria(String sessionId, Instant from, Instant to) {
        boolean matches(JsonNode entry, Instant time) {
            return (sessionId == null || sessionId.equals(entry.path("sessionId").asText(null)))
                    && (from == null || !time.isBefore(from))
                    && (to == null || time.isBefore(to));
        }
    }

    private final ObjectMapper json;
    /** Criteria are one JSON object: a repeated field or anything after it is refused, not silently dropped. */
    private final ObjectReader criteriaReader;
    private final Path dir;
    private final Duration maxAge;
    private final Supplier<IdempotentRepository> ledgerFactory;
    /** The ledger of replayed ids, opened by the first replay: a folder that cannot be written must not stop the start. */
    private IdempotentRepository ledger;
    private final String instanceName;
    private final Clock clock;
    private final Supplier<DeadLetterQueue> queue;
    /** The call of an entry, under the rules it kept. */
    private final Function<JsonNode, CognigyCall> replayCall;
    private final int maxAttempts;

    /**
     * {@code queue} gives null unless dead letters go to RabbitMQ (asked when a replay runs); an entry of it failing
     * {@code maxAttempts} times is parked.
     */
    public DeadLetterReplay(ObjectMapper json, Path dir, Duration maxAge, Supplier<IdempotentRepository> ledgerFactory,
            String instanceName, Clock clock, Supplier<DeadLetterQueue> queue, int maxAttempts,
            Function<JsonNode, CognigyCall> replayCall) {
        this.replayCall = replayCall;
        this.queue = queue;
        this.maxAttempts = maxAttempts;
        this.json = json;
        this.criteriaReader = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        this.dir = dir;
        this.maxAge = maxAge;
        this.ledgerFactory = ledgerFactory;
        this.instanceName = instanceName;
        this.clock = clock;
    }

    @Override
    protected synchronized void doStop() {
        ServiceHelper.stopService(ledger);
        ledger = null;
    }

    /** Replays the entries the request body chooses; the body becomes the counts of each outcome. */
    public void replay(Exchange exchange) {
        Criteria criteria = criteria(RawBody.of(exchange.getMessage()));
        IdempotentRepository replayed = ledger();
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
                if (!mark(replayed, id)) {
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
            try {
                record(outcomes);
            } finally {
                if (fromQueue != null) {
                    fromQueue.close();
                }
                try {
                    template.stop();
                } catch (Exception e) {
                    // nothing is lost: the template holds no state
                }
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
        // the same call route as a webhook's: failures come back as exceptions, nothing is dead-lettered again
        Exchange result = template.send("direct:cognigy-call",
                exchange -> exchange.setProperty(CognigyCall.PROPERTY, replayCall.apply(entry)));
        Exception failure = result.getException();
        if (failure == null) {
            outcome.put("outcome", "acknowledged");
        } else {
            outcome.put("outcome", "failed").put("error", CognigyRetryPolicy.describe(failure));
            if (failure instanceof HttpOperationFailedException http) {
                outcome.put("lastStatus", http.getStatusCode());
            }
        }
    }


    private synchronized IdempotentRepository ledger() {
        if (ledger == null) {
            IdempotentRepository opened = ledgerFactory.get();
            try {
                ServiceHelper.startService(opened);
            } catch (RuntimeException e) {
                throw storeUnavailable(e);
            }
            ledger = opened;
        }
        return ledger;
    }

    /** Adds the id to the ledger; false when it was there already. */
    private boolean mark(IdempotentRepository replayed, String id) {
        try {
            return replayed.add(id);
        } catch (RuntimeException e) {
            // the ledger caches an id before writing it: one never written must not count as replayed
            try {
                replayed.remove(id);
            } catch (RuntimeException stillFailing) {
                // the cache drops the id before the file is rewritten, which is all this needs
            }
            throw storeUnavailable(e);
        }
    }

    /** One WARN line with the exception's class (never its message: a path or an OS text), and the answer 503. */
    private WebhookException storeUnavailable(Exception e) {
        Throwable cause = e instanceof RuntimeCamelException && e.getCause() != null ? e.getCause() : e;
        LOG.warn("dead-letter replay cannot use DEAD_LETTER_DIR {} ({}); answered 503", dir, cause.getClass().getSimpleName());
        return new WebhookException(503, "Dead-letter store unavailable");
    }

    /**
     * The criteria the body states, read as JSON whatever the Content-Type; anything else is a 400 before a thing is sent:
     * every entry is chosen only by {@code {"all":true}}, never by a body that forgot to say what it wants.
     */
    private Criteria criteria(String body) {
        if (body.isBlank()) {
            throw invalid(MISSING);
        }
        JsonNode node;
        try {
            node = criteriaReader.readTree(body);
        } catch (IOException e) {
            throw invalid("Replay criteria are not JSON: one object, each field at most once");
        }
        if (node == null || !node.isObject()) {
            throw invalid("Replay criteria must be a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!CRITERIA_FIELDS.contains(name)) {
                throw invalid("Replay criteria: unknown field " + LogSafe.quote(name) + "; the fields are sessionId, from, to, all");
            }
        }
        if (node.has("all")) {
            if (!node.get("all").isBoolean() || !node.get("all").booleanValue()) {
                throw invalid("Replay criteria: all must be true");
            }
            if (node.size() > 1) {
                throw invalid("Replay criteria: all cannot be combined with sessionId, from or to");
            }
            return new Criteria(null, null, null);
        }
        if (node.isEmpty()) {
            throw invalid(MISSING);
        }
        String sessionId = null;
        if (node.has("sessionId")) {
            if (!node.get("sessionId").isTextual() || node.get("sessionId").asText().isBlank()) {
                throw invalid("Replay criteria: sessionId must be a non-empty string");
            }
            sessionId = node.get("sessionId").asText();
        }
        Instant from = instant(node, "from");
        Instant to = instant(node, "to");
        if (from != null && to != null && !from.isBefore(to)) {
            throw invalid("Replay criteria: from must be before to");
        }
        return new Criteria(sessionId, from, to);
    }

    private static Instant instant(JsonNode node, String field) {
        if (!node.has(field)) {
            return null;
        }
        JsonNode value = node.get(field);
        if (!value.isTextual() || !isInstant(value.asText())) {
            throw invalid("Replay criteria: " + field + " must be an ISO-8601 instant, e.g. 2026-11-22T14:00:00Z");
        }
        return Instant.parse(value.asText());
    }

    private static WebhookException invalid(String reason) {
        return new WebhookException(400, reason);
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
            throw storeUnavailable(e);
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
            throw storeUnavailable(e);
        }
    }
}
