package org.acme.voicewebhooks.cognigy;

/** Obtains a fresh access token from Cognigy. */
@FunctionalInterface
public interface TokenClient {

    AccessToken login();
}
