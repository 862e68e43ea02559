package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** A command reshaped by settings alone: method, full URL, body with the webhook's fields, no auth, its own success. */
class CommandSettingsTest extends WebhookTestSupport {

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        p.setProperty("cognigy.command.reset-state.method", "PUT");
        p.setProperty("cognigy.command.reset-state.url", cognigy.baseUrl() + "/v2/state/{sessionId}");
        p.setProperty("cognigy.command.reset-state.body",
                "{\"said\":\"{transcript}\",\"score\":\"{confidence}\",\"at\":\"{timestamp}\",\"note\":\"heard: {transcript}\"}");
        p.setProperty("cognigy.command.reset-state.auth", "none");
        p.setProperty("cognigy.command.reset-state.success-statuses", "204");
        return p;
    }

    @Test
    void theCommandIsSentAsTheSettingsDescribeIt() {
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(okJson("{}")));
        cognigy.stubFor(put(urlEqualTo("/v2/state/s%2F1")).willReturn(aResponse().withStatus(204)));
        String event = "{\"sessionId\":\"s/1\",\"event\":\"barge_in\",\"confidence\":0.8,\"transcript\":\"stop \\\"now\\\"\\n☎\","
                + "\"timestamp\":1718452901234}";

        HttpResponse<String> answer = postJson("/webhook/cognigy/barge-in", event);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).endsWith("\"state\":null}");
        cognigy.verify(exactly(1), putRequestedFor(urlEqualTo("/v2/state/s%2F1"))
                .withHeader("Authorization", absent())
                .withRequestBody(equalTo("{\"said\":\"stop \\\"now\\\"\\n☎\",\"score\":0.8,\"at\":1718452901234,"
                        + "\"note\":\"heard: stop \\\"now\\\"\\n☎\"}")));
    }
}
