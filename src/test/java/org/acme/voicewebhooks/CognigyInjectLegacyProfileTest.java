package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

/** Profile cognigy-inject-legacy: the injects in the deprecated form, with X-API-Key. */
class CognigyInjectLegacyProfileTest extends WebhookTestSupport {

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "file:application-cognigy-inject-legacy.properties;optional=true," + Application.PROPERTY_LOCATIONS;
    }

    @Test
    void clarificationIsALegacyInjectWithTheApiKey() {
        cognigy.stubFor(post(urlEqualTo("/new/v2.0/endpoint/inject")).willReturn(okJson("{}")));
        String utterance = "{\"sessionId\":\"s-1\",\"flowId\":\"f\",\"asr\":{\"confidence\":0.2},\"userId\":\"u-1\","
                + "\"urlToken\":\"tok-1\"}";

        HttpResponse<String> answer = send(HttpRequest.newBuilder(url("/webhook")).header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(utterance)));

        assertThat(answer.body()).isEqualTo("{\"message\":\"low_confidence_routed\"}");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo("/new/v2.0/endpoint/inject"))
                .withHeader("X-API-Key", equalTo(COGNIGY_API_KEY))
                .withRequestBody(equalTo("{\"userId\":\"u-1\",\"sessionId\":\"s-1\",\"text\":\"repeat\","
                        + "\"data\":{\"source\":\"asr_webhook\"},\"URLToken\":\"tok-1\"}")));
    }
}
