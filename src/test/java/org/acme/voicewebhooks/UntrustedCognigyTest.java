package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Properties;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Without a trust store that knows it, a self-signed Cognigy certificate is refused: certificates are verified. */
class UntrustedCognigyTest extends WebhookTestSupport {

    @RegisterExtension
    static final WireMockExtension selfSigned = WireMockExtension.newInstance()
            .options(wireMockConfig().httpDisabled(true).dynamicHttpsPort().bindAddress("127.0.0.1")
                    .keystorePath(TlsTest.KEYSTORE.toString()).keystorePassword(TlsTest.PASSWORD)
                    .keyManagerPassword(TlsTest.PASSWORD).keystoreType("PKCS12"))
            .build();

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        p.setProperty("cognigy.base-url", "https://127.0.0.1:" + selfSigned.getHttpsPort());
        return p;
    }

    @Test
    void anUntrustedCertificateIsANetworkFailure() {
        selfSigned.stubFor(post(urlMatching(".*")).willReturn(okJson("{\"accessToken\":\"t-1\",\"expiresIn\":3600}")));

        HttpResponse<String> answer = postJson("/webhook/cognigy/barge-in", sample("barge-in-confident.json"));

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).isEqualTo("{\"error\":\"Network failure\"}");
    }
}
