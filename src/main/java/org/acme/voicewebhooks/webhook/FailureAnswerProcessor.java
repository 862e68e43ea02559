package org.acme.voicewebhooks.webhook;

import java.io.IOException;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a failed webhook into the SPEC's status and one-line JSON error; never a stack trace or a secret. */
public record FailureAnswerProcessor(ObjectMapper json, PayloadErrors payloadErrors, Budget budget) implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(FailureAnswerProcessor.class);

    /** A status and the text of {@code {"error":…}}. */
    public record Answer(int status, String error) {
    }

    @Override
    public void process(Exchange exchange) {
        write(exchange, answerFor(exchange));
    }

    /** The answer for the failure just caught: a running-out-of-time failure says so when the budget is spent. */
    public Answer answerFor(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Answer answer = answer(failure, payloadErrors);
        if (answer.status() == 502 && budget.spent(exchange) && outOfTime(failure)) {
            answer = new Answer(502, new BudgetSpentException(budget.budgetMs()).getMessage());
        }
        if (answer.status() == 500) {
            // class and place only: an exception's message can carry a secret or a URL token
            LOG.error("{} unexpected failure {} at {}, correlationId={}", exchange.getFromRouteId(),
                    failure == null ? "-" : failure.getClass().getName(), where(failure), exchange.getExchangeId());
        }
        return answer;
    }

    /** Makes {@code answer} the webhook's answer: its status and {@code {"error":…}}, nothing else. */
    public void write(Exchange exchange, Answer answer) {
        exchange.setProperty(WebhookOutcomes.ERROR, answer.error());
        JsonAnswerProcessor.answer(exchange.getMessage(), answer.status(), "application/json",
                json.createObjectNode().put("error", answer.error()).toString());
    }

    /** The frame that threw, e.g. {@code com.example.Foo.bar(Foo.java:42)}. */
    private static String where(Throwable failure) {
        StackTraceElement[] trace = failure == null ? new StackTraceElement[0] : failure.getStackTrace();
        return trace.length == 0 ? "-" : trace[0].toString();
    }

    /** A failure that running out of time explains: the budget itself, a cut timeout, a login cut short. */
    private static boolean outOfTime(Throwable failure) {
        return failure instanceof FailedCallException call && call.isNetworkFailure()
                || failure instanceof IOException
                || failure != null && failure.getCause() instanceof IOException;
    }

    static Answer answer(Throwable failure, PayloadErrors payloadErrors) {
        if (failure instanceof WebhookException refused) {
            return new Answer(refused.status(), refused.getMessage());
        }
        Answer payloadProblem = payloadErrors.answer(failure);
        if (payloadProblem != null) {
            return payloadProblem;
        }
        if (failure instanceof FailedCallException call) {
            return new Answer(502, call.answer());
        }
        if (failure instanceof HttpOperationFailedException http) {
            return switch (http.getStatusCode()) {
                case 401 -> new Answer(502, "Authentication failed");
                case 403 -> new Answer(502, "Insufficient permissions");
                default -> new Answer(502, "API error " + http.getStatusCode());
            };
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return new Answer(502, "Network failure");
            }
        }
        return new Answer(500, "Internal processing error");
    }
}
