package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

/**
 * Runs in its own Surefire execution with ASR_THRESHOLD=0.5 and BARGEIN_CONFIDENCE_THRESHOLD=0.9 in the environment
 * (see pom.xml), so the deployment's variables are proven to reach the thresholds.
 */
class SettingsFromEnvironmentTest extends WebhookTestSupport {

    @Override
    protected java.util.Properties useOverridePropertiesWithPropertiesComponent() {
        java.util.Properties p = super.useOverridePropertiesWithPropertiesComponent();
        // this class runs first in a JVM of its own: a cold first request must not spend the budget
        p.setProperty("webhook.budget-ms", "15000");
        return p;
    }

    @Test
    void asrThresholdComesFromTheEnvironment() {
        assertThat(System.getenv("ASR_THRESHOLD")).isEqualTo("0.5");
        cognigy.stubFor(post(urlPathMatching(".*/messages")).willReturn(okJson("{}")));

        HttpResponse<String> above = send(HttpRequest.newBuilder(url("/webhook"))
                .header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(AsrConfidenceWebhookTest.utterance("s-1", "f", "0.6"))));
        HttpResponse<String> below = send(HttpRequest.newBuilder(url("/webhook"))
                .header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(AsrConfidenceWebhookTest.utterance("s-2", "f", "0.4"))));

        assertThat(above.body()).isEqualTo("{\"nextNode\":\"node-7\"}");
        assertThat(below.body()).isEqualTo("{\"message\":\"low_confidence_routed\"}");
    }

    @Test
    void bargeInThresholdComesFromTheEnvironment() {
        assertThat(System.getenv("BARGEIN_CONFIDENCE_THRESHOLD")).isEqualTo("0.9");
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(okJson("{}")));
        cognigy.stubFor(post(urlPathMatching(".*/variables")).willReturn(okJson("{}")));

        HttpResponse<String> answer = postJson("/webhook/cognigy/barge-in", sample("barge-in-confident.json"));

        assertThat(answer.body()).contains("\"state\":{\"action\":\"ignored\",\"reason\":\"low_confidence\"}");
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo("/api/v1/sessions/sess_8f3a2b1c/variables")));
    }
}
