package org.acme.voicewebhooks.cognigy.auth;

import org.acme.voicewebhooks.webhook.WebhookEvent;
import org.acme.voicewebhooks.cognigy.ratelimit.RateLimitedException;
import org.acme.voicewebhooks.webhook.Budget;
import org.acme.voicewebhooks.webhook.BudgetSpentException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * Gets a token through a Camel route ({@code cognigy-login} or {@code cognigy-oauth2-token}), so token requests get
 * the same redelivery and budget as commands.
 */
public final class CamelTokenClient implements TokenClient {

    private final CamelContext context;
    private final ObjectMapper json;
    private final Clock clock;
    private final WebhookMetrics metrics;
    private final String route;
    private final String tokenField;
    private final String expiresField;
    private volatile ProducerTemplate template;

    /** A token from {@code route}, whose JSON answer names the token and its lifetime in seconds by these fields. */
    public CamelTokenClient(CamelContext context, ObjectMapper json, Clock clock, WebhookMetrics metrics, String route,
            String tokenField, String expiresField) {
        this.context = context;
        this.json = json;
        this.clock = clock;
        this.metrics = metrics;
        this.route = route;
        this.tokenField = tokenField;
        this.expiresField = expiresField;
    }

    @Override
    public AccessToken login() {
        // the login spends the budget of the attempt that needs it
        Long deadline = Budget.threadDeadline();
        String session = Budget.threadSession();
        Exchange result = template().send(route, exchange -> {
            if (deadline != null) {
                exchange.setProperty(Budget.DEADLINE, deadline);
            }
            // its retries name the session whose webhook waits for it
            exchange.setProperty(WebhookEvent.SESSION_LOG_ID, session);
        });
        if (result.getException() instanceof RateLimitedException limited) {
            metrics.login("rate_limited");
            throw limited;   // not a login failure: the command that needed it is not sent, as if it had no token itself
        }
        if (result.getException() != null) {
            metrics.login("failed");
            throw loginFailure(result.getException());
        }
        metrics.login("ok");
        String answer = result.getMessage().getBody(String.class);
        try {
            JsonNode node = json.readTree(answer == null ? "" : answer);
            JsonNode token = node == null ? null : node.get(tokenField);
            JsonNode expiresIn = node == null ? null : node.get(expiresField);
            if (token == null || !token.isTextual() || token.asText().isEmpty()
                    || expiresIn == null || !expiresIn.isNumber()) {
                throw new CognigyLoginException("login answer lacks " + tokenField + " or " + expiresField, false);
            }
            return new AccessToken(token.asText(), clock.instant().plus(Duration.ofSeconds(expiresIn.asLong())));
        } catch (IOException e) {
            throw new CognigyLoginException("login answer is not JSON", false);
        }
    }

    private static CognigyLoginException loginFailure(Throwable cause) {
        if (cause instanceof BudgetSpentException spent) {
            return new CognigyLoginException(spent.getMessage(), true);
        }
        if (cause instanceof HttpOperationFailedException http) {
            return new CognigyLoginException("login refused with status " + http.getStatusCode(), false);
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return new CognigyLoginException("login failed: " + io.getClass().getSimpleName(), true);
            }
        }
        return new CognigyLoginException("login failed: " + cause.getClass().getSimpleName(), false);
    }

    private ProducerTemplate template() {
        ProducerTemplate t = template;
        if (t == null) {
            synchronized (this) {
                if (template == null) {
                    template = context.createProducerTemplate();
                }
                t = template;
            }
        }
        return t;
    }
}
