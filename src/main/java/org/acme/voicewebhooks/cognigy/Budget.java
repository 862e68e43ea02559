package org.acme.voicewebhooks.cognigy;

import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.web.WebhookEvent;
import org.apache.camel.Exchange;

/**
 * A webhook's time budget, measured from the exchange's arrival. Each Cognigy attempt checks it and hands the
 * absolute deadline to the HTTP client on its own thread, where {@link BudgetTimeouts} cuts the timeouts to it.
 */
public final class Budget {

    /** The deadline in epoch milliseconds; carried to exchanges made on the webhook's behalf (the login). */
    public static final String DEADLINE = "webhookDeadline";
    /** Set when a retry was not started because the budget could not hold it. */
    static final String OUT_OF_TIME = "webhookOutOfTime";
    /** How many attempts the current Cognigy call has made. */
    public static final String ATTEMPTS = "cognigyAttempts";

    /** The attempt running on this thread: its deadline, the command it is for and that webhook's session (log id). */
    record Attempt(long deadline, String command, String session) {
    }

    private static final ThreadLocal<Attempt> ATTEMPT = new ThreadLocal<>();

    private final long budgetMs;
    private final long minAttemptMs;
    private final long answerReserveMs;
    private final WebhookMetrics metrics;

    /** Cognigy calls end {@code answerReserveMs} before the budget, leaving time to dead-letter and answer. */
    public Budget(long budgetMs, long minAttemptMs, long answerReserveMs, WebhookMetrics metrics) {
        this.budgetMs = budgetMs;
        this.minAttemptMs = minAttemptMs;
        this.answerReserveMs = answerReserveMs;
        this.metrics = metrics;
    }

    public long budgetMs() {
        return budgetMs;
    }

    public long deadline(Exchange exchange) {
        Long deadline = exchange.getProperty(DEADLINE, Long.class);
        if (deadline == null) {
            deadline = exchange.getClock().getCreated() + budgetMs - answerReserveMs;
            exchange.setProperty(DEADLINE, deadline);
        }
        return deadline;
    }

    public long remainingMs(Exchange exchange) {
        return deadline(exchange) - System.currentTimeMillis();
    }

    /** Whether an attempt starting after {@code delayMs} still has its minimum time before the deadline. */
    public boolean allowsAttemptAfter(Exchange exchange, long delayMs) {
        return remainingMs(exchange) - delayMs >= minAttemptMs;
    }

    /** Whether a retry after {@code delayMs} fits the budget; remembers when it does not, for the answer. */
    public boolean allowsRetryAfter(Exchange exchange, long delayMs) {
        boolean allowed = allowsAttemptAfter(exchange, delayMs);
        if (!allowed) {
            exchange.setProperty(OUT_OF_TIME, true);
        }
        return allowed;
    }

    /** Before each attempt: refuse when too little time is left, else cut this thread's HTTP timeouts to it. */
    public void startAttempt(Exchange exchange) {
        if (!allowsAttemptAfter(exchange, 0)) {
            throw new BudgetSpentException(budgetMs);
        }
        int attempts = exchange.getProperty(ATTEMPTS, 0, Integer.class);
        String command = exchange.getProperty(CognigyClientRoutes.COMMAND, "unknown", String.class);
        if (attempts > 0) {
            metrics.retry(command);
        }
        exchange.setProperty(ATTEMPTS, attempts + 1);
        WebhookEvent event = exchange.getProperty(WebhookEvent.PROPERTY, WebhookEvent.class);
        ATTEMPT.set(new Attempt(deadline(exchange), command, event == null ? null : event.logId()));
    }

    public void endAttempt(Exchange exchange) {
        ATTEMPT.remove();
    }

    /** The deadline of the attempt running on this thread, or null outside one. */
    static Long attemptDeadline() {
        Attempt attempt = ATTEMPT.get();
        return attempt == null ? null : attempt.deadline();
    }

    /** The command of the attempt running on this thread, or null outside one. */
    static String attemptCommand() {
        Attempt attempt = ATTEMPT.get();
        return attempt == null ? null : attempt.command();
    }

    /** The session (log id) of the webhook whose attempt runs on this thread, or null. */
    static String attemptSession() {
        Attempt attempt = ATTEMPT.get();
        return attempt == null ? null : attempt.session();
    }

    /** Whether the budget ran out, or stopped a retry that would have been made. */
    public boolean spent(Exchange exchange) {
        return remainingMs(exchange) < minAttemptMs || exchange.getProperty(OUT_OF_TIME, false, Boolean.class);
    }
}
