package org.acme.voicewebhooks.deadletter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import org.acme.voicewebhooks.cognigy.CognigyCall;
import org.acme.voicewebhooks.cognigy.CognigyCommand;
import org.acme.voicewebhooks.cognigy.CognigyRetryPolicy;
import org.acme.voicewebhooks.cognigy.CognigySettings;
import org.acme.voicewebhooks.cognigy.ratelimit.CognigyRateLimiter;
import org.acme.voicewebhooks.webhook.LogSafe;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;

/** Dead-letter entries: one JSON line per command Cognigy never acknowledged, with all a replay needs and no secret. */
public final class DeadLetters {

    public static final String ENTRY_ID = "deadLetterId";
    /** The dead-lettered command's name, for the store's log line and metric. */
    public static final String COMMAND = "deadLetterCommand";
    /** Its session as it may appear in a log line. */
    public static final String SESSION = "deadLetterSession";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private final ObjectMapper json;
    private final String baseUrl;
    private final String instanceName;
    private final Clock clock;

    public DeadLetters(ObjectMapper json, String baseUrl, String instanceName, Clock clock) {
        this.json = json;
        this.baseUrl = baseUrl;
        this.instanceName = instanceName;
        this.clock = clock;
    }

    /**
     * Replaces the message with the entry for the call that just failed (property {@link CognigyCall#PROPERTY}), names
     * its file, and keeps the command and session for the store's log line.
     */
    public void toEntry(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        CognigyCall call = exchange.getProperty(CognigyCall.PROPERTY, CognigyCall.class);
        String target = call.target();
        Integer status = failure instanceof HttpOperationFailedException http ? http.getStatusCode() : null;
        Instant now = clock.instant();
        String id = UUID.randomUUID().toString();

        ObjectNode entry = json.createObjectNode()
                .put("id", id)
                .put("time", now.toString())
                .put("webhook", exchange.getFromRouteId())
                .put("correlationId", exchange.getExchangeId())
                .put("sessionId", call.sessionId())
                .put("command", call.command())
                .put("method", call.method())
                // for people reading the store: the URL token masked; path, which a replay sends to, keeps it
                .put("url", masked(target.startsWith("/") ? baseUrl + target : target, call.urlToken()))
                .put("path", target)
                .put("idempotencyKey", call.idempotencyKey())
                .put("auth", auth(call.auth()));
        // the command's rules go with it, so its replay keeps them
        call.successStatuses().stream().sorted().forEach(entry.putArray("successStatuses")::add);
        entry.put("retryAmbiguous", call.retryAmbiguous());
        entry.set("body", body(call.body()));
        entry.put("lastStatus", status)
                .put("error", CognigyRetryPolicy.describe(failure))
                .put("attempts", call.attempts());

        exchange.setProperty(ENTRY_ID, id);
        exchange.setProperty(COMMAND, call.command());
        exchange.setProperty(SESSION, call.sessionLogId());
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.FILE_NAME, "dead-letters-" + DAY.format(now) + "-" + instanceName + ".jsonl");
        exchange.getMessage().setBody(entry + "\n");
    }

    /**
     * The call that replays an entry, under the rules the entry kept (an entry written before they were kept takes
     * its command's rules of today), at the replay priority.
     */
    public CognigyCall replayCall(JsonNode entry, CognigySettings cognigy) {
        String command = entry.path("command").asText(null);
        CognigyCommand today = cognigy.command(command);
        Set<Integer> statuses = new HashSet<>();
        entry.path("successStatuses").forEach(status -> statuses.add(status.asInt()));
        if (!entry.has("successStatuses") && today != null) {
            statuses.addAll(today.successStatuses());
        }
        boolean retryAmbiguous = entry.has("retryAmbiguous") ? entry.path("retryAmbiguous").asBoolean()
                : today == null || today.retryAmbiguous();
        String sessionId = entry.path("sessionId").asText(null);
        return new CognigyCall(command, true, entry.path("method").asText("POST"), entry.path("path").asText(),
                entry.path("body").toString(), authOf(entry.path("auth").asText("login-token")), statuses, retryAmbiguous,
                entry.path("idempotencyKey").asText(null), CognigyRateLimiter.Priority.REPLAY, sessionId,
                LogSafe.quote(sessionId), null);
    }

    /** The auth mode of an entry; "bearer" is what older entries said for a login token. */
    static CognigyCommand.Auth authOf(String auth) {
        return auth.equals("bearer") ? CognigyCommand.Auth.LOGIN_TOKEN
                : CognigyCommand.Auth.valueOf(auth.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }

    private com.fasterxml.jackson.databind.JsonNode body(String body) {
        try {
            return body == null ? json.nullNode() : json.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The auth mode as settings spell it: login-token, api-key or none. */
    static String auth(CognigyCommand.Auth auth) {
        return (auth == null ? CognigyCommand.Auth.LOGIN_TOKEN : auth).name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    private static String masked(String url, String token) {
        return token == null || token.isEmpty() ? url : url.replace(token, "***");
    }
}
