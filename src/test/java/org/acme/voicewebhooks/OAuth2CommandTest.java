package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Properties;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.Test;

/** A command with auth=oauth2: one client-credentials token, cached, dropped and fetched again on a 401. */
class OAuth2CommandTest extends WebhookTestSupport {

    private static final String TOKEN_URL = "/auth/oauth2/token";
    private static final String FORM = "grant_type=client_credentials&client_id=oc-id&client_secret=oc+secret%26x&scope=inject";

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        p.setProperty("cognigy.command.clarify.auth", "oauth2");
        p.setProperty("cognigy.oauth2.client-id", "oc-id");
        p.setProperty("cognigy.oauth2.client-secret", "oc secret&x");
        p.setProperty("cognigy.oauth2.scope", "inject");
        return p;
    }

    private HttpResponse<String> clarify(String sessionId) {
        return send(HttpRequest.newBuilder(url("/webhook")).header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(AsrConfidenceWebhookTest.utterance(sessionId, "f", "0.1"))));
    }

    @Test
    void clarificationsCarryOneCachedClientCredentialsToken() {
        cognigy.stubFor(post(urlEqualTo(TOKEN_URL)).willReturn(okJson("{\"access_token\":\"o-1\",\"expires_in\":3600}")));
        cognigy.stubFor(post(urlPathMatching(".*/messages")).willReturn(okJson("{}")));

        assertThat(clarify("s-1").statusCode()).isEqualTo(200);
        assertThat(clarify("s-2").statusCode()).isEqualTo(200);

        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(TOKEN_URL))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
                .withRequestBody(equalTo(FORM)));
        cognigy.verify(exactly(2), postRequestedFor(urlPathMatching(".*/messages"))
                .withHeader("Authorization", equalTo("Bearer o-1")));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(LOGIN)));
    }

    @Test
    void aRevokedTokenIsFetchedAgainAndTheCallRetriedOnce() {
        cognigy.stubFor(post(urlEqualTo(TOKEN_URL)).inScenario("t").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"access_token\":\"o-1\",\"expires_in\":3600}")).willSetStateTo("again"));
        cognigy.stubFor(post(urlEqualTo(TOKEN_URL)).inScenario("t").whenScenarioStateIs("again")
                .willReturn(okJson("{\"access_token\":\"o-2\",\"expires_in\":3600}")));
        cognigy.stubFor(post(urlPathMatching(".*/messages")).withHeader("Authorization", equalTo("Bearer o-1"))
                .willReturn(aResponse().withStatus(401)));
        cognigy.stubFor(post(urlPathMatching(".*/messages")).withHeader("Authorization", equalTo("Bearer o-2"))
                .willReturn(okJson("{}")));

        assertThat(clarify("s-1").body()).isEqualTo("{\"message\":\"low_confidence_routed\"}");
        cognigy.verify(exactly(2), postRequestedFor(urlEqualTo(TOKEN_URL)));
    }
}
