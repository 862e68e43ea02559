package org.acme.voicewebhooks.cognigy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.junit.jupiter.api.Test;

class AmbiguousFailureTest {

    @Test
    void failuresAfterTheRequestMayHaveReachedCognigyAreAmbiguous() {
        assertThat(CognigyRetryPolicy.ambiguous(new SocketTimeoutException("Read timed out"))).isTrue();
        assertThat(CognigyRetryPolicy.ambiguous(new SocketException("Connection reset"))).isTrue();
        assertThat(CognigyRetryPolicy.ambiguous(new NoHttpResponseException("failed to respond"))).isTrue();
        assertThat(CognigyRetryPolicy.ambiguous(new ConnectionClosedException("premature end"))).isTrue();
    }

    @Test
    void failuresToConnectAreNot() {
        assertThat(CognigyRetryPolicy.ambiguous(new ConnectException("refused"))).isFalse();
        assertThat(CognigyRetryPolicy.ambiguous(new HttpHostConnectException("refused"))).isFalse();
        assertThat(CognigyRetryPolicy.ambiguous(new ConnectTimeoutException("connect timed out"))).isFalse();
        assertThat(CognigyRetryPolicy.ambiguous(new UnknownHostException("no such host"))).isFalse();
        assertThat(CognigyRetryPolicy.ambiguous((IOException) new javax.net.ssl.SSLHandshakeException("bad cert"))).isFalse();
    }
}
