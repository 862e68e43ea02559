package org.acme.voicewebhooks.webhook;

import org.apache.camel.Exchange;

/**
 * A webhook's time budget, measured from the exchange's arrival. A call checks it before each attempt and hands the
 * absolute deadline to the blocking client on its own thread ({@link #onThread}), which cuts its timeouts to it. Cognigy
 * calls end {@code answerReserveMs} before the budget, leaving time to dead-letter and answer.
 */
public record Budget(long budgetMs, long minAttemptMs, long answerReserveMs) {

    /** The deadline in epoch milliseconds; carried to exchanges made on the webhook's behalf (the login). */
    public static final String DEADLINE = "webhookDeadline";
    /** Set when a retry was not started because the budget could not hold it. */
    public static final String OUT_OF_TIME = "webhookOutOfTime";

    /** The call running on this thread: its deadline, what it is (e.g. a Cognigy command's name), its session (log id). */
    private record ThreadCall(long deadline, String label, String session) {
    }

    private static final ThreadLocal<ThreadCall> THREAD_CALL = new ThreadLocal<>();

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

    /** Hands {@code deadline} to the blocking client on this thread, e.g. to cut its timeouts to it. */
    public static void onThread(long deadline, String label, String session) {
        THREAD_CALL.set(new ThreadCall(deadline, label, session));
    }

    public static void clearThread() {
        THREAD_CALL.remove();
    }

    /** The deadline of the call running on this thread, or null outside one. */
    public static Long threadDeadline() {
        ThreadCall call = THREAD_CALL.get();
        return call == null ? null : call.deadline();
    }

    /** What the call running on this thread is, or null outside one. */
    public static String threadLabel() {
        ThreadCall call = THREAD_CALL.get();
        return call == null ? null : call.label();
    }

    /** The session (log id) of the webhook whose call runs on this thread, or null. */
    public static String threadSession() {
        ThreadCall call = THREAD_CALL.get();
        return call == null ? null : call.session();
    }

    /** Whether the budget ran out, or stopped a retry that would have been made. */
    public boolean spent(Exchange exchange) {
        return remainingMs(exchange) < minAttemptMs || exchange.getProperty(OUT_OF_TIME, false, Boolean.class);
    }
}
