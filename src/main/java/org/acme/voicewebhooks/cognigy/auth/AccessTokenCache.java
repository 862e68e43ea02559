package org.acme.voicewebhooks.cognigy.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bearer token, cached: logs in again shortly before it expires, one login at a time however many calls wait, and
 * no caller waits for that login past its own deadline.
 */
public final class AccessTokenCache {

    private final TokenClient tokens;
    private final Clock clock;
    private final Duration margin;
    private final ReentrantLock login = new ReentrantLock();
    private volatile AccessToken cached;

    public AccessTokenCache(TokenClient tokens, Clock clock, Duration margin) {
        this.tokens = tokens;
        this.clock = clock;
        this.margin = margin;
    }

    /** The token to send; with no deadline (null) a caller waits for another's login as long as it takes. */
    public AccessToken current(Long deadlineMillis) {
        AccessToken token = cached;
        if (usable(token)) {
            return token;
        }
        lock(deadlineMillis);
        try { // waiters reuse the token the first one fetched
            if (!usable(cached)) {
                cached = tokens.login();
            }
            return cached;
        } finally {
            login.unlock();
        }
    }

    AccessToken current() {
        return current(null);
    }

    /** On a 401: forgets the token that was sent (not a newer one); the next call logs in again. */
    public void invalidate(String seen) {
        if (seen == null) {
            return;
        }
        login.lock();
        try {
            AccessToken token = cached;
            if (token != null && token.value().equals(seen)) {
                cached = null;
            }
        } finally {
            login.unlock();
        }
    }

    /** Another call's login may hang on a Cognigy that hangs: wait for it only within this call's deadline. */
    private void lock(Long deadlineMillis) {
        if (deadlineMillis == null) {
            login.lock();
            return;
        }
        try {
            long left = deadlineMillis - System.currentTimeMillis();
            if (left > 0 && login.tryLock(left, TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new CognigyLoginException("no token within the budget: another login is still waiting on Cognigy", true);
    }

    private boolean usable(AccessToken token) {
        return token != null && token.validBeyond(clock.instant().plus(margin));
    }
}
