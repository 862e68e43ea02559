package org.acme.voicewebhooks.cognigy.auth;

import java.time.Clock;
import java.time.Duration;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Adds a bearer token; logs in again shortly before the cached one expires. One login at a time. */
public final class AccessTokenProcessor implements Processor {

    public static final String AUTHORIZATION = "Authorization";
    /** The token an attempt sent, so a 401 drops exactly that one. */
    public static final String TOKEN_SENT = "cognigyTokenSent";
    private static final String BEARER = "Bearer ";

    private final TokenClient tokens;
    private final Clock clock;
    private final Duration margin;
    private volatile AccessToken cached;

    public AccessTokenProcessor(TokenClient tokens, Clock clock, Duration margin) {
        this.tokens = tokens;
        this.clock = clock;
        this.margin = margin;
    }

    @Override
    public void process(Exchange exchange) {
        String token = current().value();
        exchange.setProperty(TOKEN_SENT, token);
        exchange.getMessage().setHeader(AUTHORIZATION, BEARER + token);
    }

    /** On a 401: forgets the token this exchange sent (not a newer one); the next attempt logs in again. */
    public void refresh(Exchange exchange) {
        String sent = exchange.getProperty(TOKEN_SENT, String.class);
        if (sent != null) {
            invalidate(sent);
        }
    }

    AccessToken current() {
        AccessToken token = cached;
        if (usable(token)) {
            return token;
        }
        synchronized (this) { // waiters reuse the token the first one fetched
            if (!usable(cached)) {
                cached = tokens.login();
            }
            return cached;
        }
    }

    void invalidate(String seen) {
        synchronized (this) {
            AccessToken token = cached;
            if (token != null && token.value().equals(seen)) {
                cached = null;
            }
        }
    }

    private boolean usable(AccessToken token) {
        return token != null && token.validBeyond(clock.instant().plus(margin));
    }
}
