package org.acme.voicewebhooks.webhook;

/** The webhook's time budget ran out before a Cognigy command was acknowledged. */
public final class BudgetSpentException extends FailedCallException {

    public BudgetSpentException(long budgetMs) {
        this("Timeout: Cognigy did not acknowledge within the " + budgetMs + " ms budget");
    }

    private BudgetSpentException(String message) {
        super(message, message, true);
    }
}
