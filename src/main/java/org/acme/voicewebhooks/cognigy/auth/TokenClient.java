package org.acme.voicewebhooks.cognigy.auth;

/** Obtains a fresh access token from Cognigy. */
@FunctionalInterface
public interface TokenClient {

    AccessToken login();
}
