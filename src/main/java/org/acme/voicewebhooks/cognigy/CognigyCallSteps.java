package org.acme.voicewebhooks.cognigy;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.webhook.Budget;
import org.acme.voicewebhooks.webhook.BudgetSpentException;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.http.base.HttpOperationFailedException;

/** The Java behind the steps of the cognigy-call and cognigy-attempt routes: what each step does with the call. */
public record CognigyCallSteps(Budget budget, WebhookMetrics metrics, ObjectMapper json) {

    /** The call's command is off by settings: nothing is sent. */
    public Predicate disabled() {
        return exchange -> !call(exchange).enabled();
    }

    /**
     * Starts an attempt: refused when too little of the budget is left, else counted, the thread's HTTP timeouts cut to
     * the budget, and the request made from the call.
     */
    public Processor attempt() {
        return exchange -> {
            CognigyCall call = call(exchange);
            if (!budget.allowsAttemptAfter(exchange, 0)) {
                throw new BudgetSpentException(budget.budgetMs());
            }
            if (call.startAttempt() > 0) {
                metrics.retry(call.command());
            }
            Budget.onThread(budget.deadline(exchange), call.command(), call.sessionLogId());
            Map<String, Object> headers = exchange.getMessage().getHeaders();
            // the enum itself, so camel-http takes it as it is
            headers.put(Exchange.HTTP_METHOD, HttpMethods.valueOf(call.method()));
            headers.put(call.target().startsWith("/") ? Exchange.HTTP_PATH : Exchange.HTTP_URI, call.target());
            headers.put(Exchange.CONTENT_TYPE, "application/json");
            headers.put("Idempotency-Key", call.idempotencyKey());
            exchange.getMessage().setBody(call.body());
        };
    }

    /** Ends an attempt: a 2xx the command does not count as success fails like any other status (not retried). */
    public Processor acknowledged() {
        return exchange -> {
            Budget.clearThread();
            CognigyCall call = call(exchange);
            int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
            if (!call.succeededWith(status)) {
                throw new HttpOperationFailedException(call.target(), status, "not a success status", null, Map.of(),
                        exchange.getMessage().getBody(String.class));
            }
        };
    }

    /** Cognigy's answer as compact JSON to embed in ours: empty is null, non-JSON text becomes a JSON string. */
    public Processor answer() {
        return exchange -> {
            String body = exchange.getMessage().getBody(String.class);
            // Cognigy's status and headers are not the webhook's
            exchange.getMessage().getHeaders().clear();
            exchange.getMessage().setBody(compact(body));
        };
    }

    private String compact(String body) throws IOException {
        if (body == null || body.isBlank()) {
            return "null";
        }
        try {
            return json.readTree(body).toString();
        } catch (JsonProcessingException notJson) {
            return TextNode.valueOf(body).toString();
        }
    }

    private static CognigyCall call(Exchange exchange) {
        return exchange.getProperty(CognigyCall.PROPERTY, CognigyCall.class);
    }
}
