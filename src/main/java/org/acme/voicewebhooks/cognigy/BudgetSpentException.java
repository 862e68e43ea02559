package org.acme.voicewebhooks.cognigy;

/** The webhook's time budget ran out before a Cognigy command was acknowledged. */
public final class BudgetSpentException extends RuntimeException {

    public BudgetSpentException(long budgetMs) {
        super("Timeout: Cognigy did not acknowledge within the " + budgetMs + " ms budget", null, false, false);
    }
}
