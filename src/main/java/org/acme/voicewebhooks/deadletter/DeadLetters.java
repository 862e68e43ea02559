package org.acme.voicewebhooks.deadletter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.acme.voicewebhooks.webhook.Budget;
import org.acme.voicewebhooks.cognigy.CognigyClientRoutes;
import org.acme.voicewebhooks.cognigy.CognigyCommand;
import org.acme.voicewebhooks.cognigy.CognigyRedelivery;
import org.acme.voicewebhooks.webhook.WebhookEvent;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;

/** Dead-letter entries: one JSON line per command Cognigy never acknowledged, with all a replay needs and no secret. */
public final class DeadLetters {

    public static final String ENTRY_ID = "deadLetterId";
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

    /** Replaces the message with the entry for the command that just failed, and names its file. */
    public void toEntry(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        WebhookEvent event = exchange.getProperty(WebhookEvent.PROPERTY, WebhookEvent.class);
        String path = exchange.getProperty(CognigyClientRoutes.PATH, String.class);
        Integer status = failure instanceof HttpOperationFailedException http ? http.getStatusCode() : null;
        Instant now = clock.instant();
        String id = UUID.randomUUID().toString();

        ObjectNode entry = json.createObjectNode()
                .put("id", id)
                .put("time", now.toString())
                .put("webhook", exchange.getFromRouteId())
                .put("correlationId", exchange.getExchangeId())
                .put("sessionId", event == null ? null : event.sessionId())
                .put("command", exchange.getProperty(CognigyClientRoutes.COMMAND, String.class))
                .put("method", exchange.getProperty(CognigyClientRoutes.METHOD, "POST", String.class))
                // for people reading the store: the URL token masked; path, which a replay sends to, keeps it
                .put("url", masked(path.startsWith("/") ? baseUrl + path : path, event))
                .put("path", path)
                .put("idempotencyKey", exchange.getProperty(CognigyClientRoutes.IDEMPOTENCY_KEY, String.class))
                .put("auth", auth(exchange.getProperty(CognigyClientRoutes.AUTH, CognigyCommand.Auth.class)));
        entry.set("body", body(exchange.getProperty(CognigyClientRoutes.BODY, String.class)));
        entry.put("lastStatus", status)
                .put("error", CognigyRedelivery.describe(failure))
                .put("attempts", exchange.getProperty(CognigyClientRoutes.ATTEMPTS, 0, Integer.class));

        exchange.setProperty(ENTRY_ID, id);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.FILE_NAME, "dead-letters-" + DAY.format(now) + "-" + instanceName + ".jsonl");
        exchange.getMessage().setBody(entry + "\n");
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

    private static String masked(String url, WebhookEvent event) {
        String token = event == null ? null : event.urlToken();
        return token == null || token.isEmpty() ? url : url.replace(token, "***");
    }
}
