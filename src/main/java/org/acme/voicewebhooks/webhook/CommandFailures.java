package org.acme.voicewebhooks.webhook;

import org.acme.voicewebhooks.webhook.FailureAnswerProcessor.Answer;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;

/**
 * The failures of a webhook's commands: each command that Cognigy never acknowledged is dead-lettered and noted here,
 * and the webhook goes on with its next command; the flow then answers the first failure. A dead letter the store
 * could not take overrides it: the webhook must never look as if all were kept.
 */
public final class CommandFailures {

    /** The answer the webhook owes for its failed commands: a {@link Answer}. */
    public static final String PROPERTY = "commandFailure";
    public static final Answer STORE_UNAVAILABLE = new Answer(503, "Dead-letter store unavailable");

    private final FailureAnswerProcessor answers;

    public CommandFailures(FailureAnswerProcessor answers) {
        this.answers = answers;
    }

    /** Notes the failure just caught, unless an earlier command failed first. */
    public void failed(Exchange exchange) {
        if (exchange.getProperty(PROPERTY) == null) {
            exchange.setProperty(PROPERTY, answers.answerFor(exchange));
        }
    }

    /** The dead-letter store refused the entry: nothing but 503 may be answered. */
    public static void storeUnavailable(Exchange exchange) {
        exchange.setProperty(PROPERTY, STORE_UNAVAILABLE);
    }

    /** A command of this webhook was not acknowledged. */
    public Predicate any() {
        return exchange -> exchange.getProperty(PROPERTY) != null;
    }

    /** No command of this webhook failed so far: each one sent was acknowledged (a disabled one sends nothing). */
    public Predicate none() {
        return exchange -> exchange.getProperty(PROPERTY) == null;
    }

    /** Answers the noted failure. */
    public Processor answer() {
        return exchange -> answers.write(exchange, exchange.getProperty(PROPERTY, Answer.class));
    }
}
