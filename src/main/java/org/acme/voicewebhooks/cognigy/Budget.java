package org.acme.voicewebhooks.cognigy;

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

    private static final ThreadLocal<Long> ATTEMPT_DEADLINE = new ThreadLocal<>();

    private final long budgetMs;
    private final long minAttemptMs;
    private final long answerReserveMs;

    /** Cognigy calls end {@code answerReserveMs} before the budget, leaving time to dead-letter and answer. */
    public Budget(long budgetMs, long minAttemptMs, long answerReserveMs) {
        this.budgetMs = budgetMs;
        this.minAttemptMs = minAttemptMs;
        this.answerReserveMs = answerReserveMs;
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
        exchange.setProperty(ATTEMPTS, exchange.getProperty(ATTEMPTS, 0, Integer.class) + 1);
        ATTEMPT_DEADLINE.set(deadline(exchange));
    }

    public void endAttempt(Exchange exchange) {
        ATTEMPT_DEADLINE.remove();
    }

    /** The deadline of the attempt running on this thread, or null outside one. */
    static Long attemptDeadline() {
        return ATTEMPT_DEADLINE.get();
    }

    /** Whether the budget ran out, or stopped a retry that would have been made. */
    public boolean spent(Exchange exchange) {
        return remainingMs(exchange) < minAttemptMs || exchange.getProperty(OUT_OF_TIME, false, Boolean.class);
    }
}
