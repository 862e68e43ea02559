package org.acme.voicewebhooks.cognigy;

import org.acme.voicewebhooks.cognigy.auth.AccessTokenCache;
import org.acme.voicewebhooks.webhook.Budget;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The token enrich: each attempt of a call gets its credentials as its command says, a bearer token from the login
 * (or the OAuth2 token endpoint), cached and refreshed, or the API key. The call remembers the token it sent.
 */
public final class CognigyCredentials implements Processor {

    private static final String BEARER = "Bearer ";

    private final AccessTokenCache loginTokens;
    private final AccessTokenCache oauth2Tokens;
    private final String apiKeyHeader;
    private final String apiKey;

    public CognigyCredentials(AccessTokenCache loginTokens, AccessTokenCache oauth2Tokens, String apiKeyHeader, String apiKey) {
        this.loginTokens = loginTokens;
        this.oauth2Tokens = oauth2Tokens;
        this.apiKeyHeader = apiKeyHeader;
        this.apiKey = apiKey;
    }

    @Override
    public void process(Exchange exchange) {
        CognigyCall call = exchange.getProperty(CognigyCall.PROPERTY, CognigyCall.class);
        switch (call.auth()) {
            case API_KEY -> exchange.getMessage().setHeader(apiKeyHeader, apiKey);
            case LOGIN_TOKEN -> bearer(exchange, call, loginTokens);
            case OAUTH2 -> bearer(exchange, call, oauth2Tokens);
            case NONE -> { }
        }
    }

    /** After a 401 on a bearer call: the token it sent is dropped (not a newer one), so the retry logs in again. */
    public void refresh(Exchange exchange) {
        CognigyCall call = exchange.getProperty(CognigyCall.PROPERTY, CognigyCall.class);
        loginTokens.invalidate(call.tokenSent());
        oauth2Tokens.invalidate(call.tokenSent());
    }

    private static void bearer(Exchange exchange, CognigyCall call, AccessTokenCache tokens) {
        String token = tokens.current(Budget.threadDeadline()).value();
        call.tokenSent(token);
        exchange.getMessage().setHeader("Authorization", BEARER + token);
    }
}
