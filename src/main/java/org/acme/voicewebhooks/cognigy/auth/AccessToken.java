package org.acme.voicewebhooks.cognigy.auth;

import java.time.Instant;

/** A bearer token and the instant it expires. */
public record AccessToken(String value, Instant expiresAt) {

    public boolean validBeyond(Instant instant) {
        return expiresAt.isAfter(instant);
    }

    @Override
    public String toString() {
        return "AccessToken[expiresAt=" + expiresAt + "]";   // never the value
    }
}
