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
 * Runs in its own Surefire execution with ASR_THRESHOLD=0.5, BARGEIN_CONFIDENCE_THRESHOLD=0.9, the threshold lists
 * ASR_FLOW_THRESHOLDS and ASR_NODE_THRESHOLDS and two secrets in the environment (see pom.xml), so the deployment's
 * variables are proven to reach the settings, and their secrets to stay out of the log.
 */
class SettingsFromEnvironmentTest extends WebhookTestSupport {

    @Override
    protected java.util.Properties useOverridePropertiesWithPropertiesComponent() {
        java.util.Properties p = super.useOverridePropertiesWithPropertiesComponent();
        // this class runs first in a JVM of its own: a cold first request must not spend the budget
        p.setProperty("webhook.budget-ms", "15000");
        // a line of the settings files, which ASR_FLOW_THRESHOLDS overrides
        p.setProperty("asr.flow-threshold.env-flow", "0.4");
        return p;
    }

    private HttpResponse<String> utterance(String sessionId, String flowId, String nodeId, String confidence) {
        return send(HttpRequest.newBuilder(url("/webhook"))
                .header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(AsrConfidenceWebhookTest.utterance(sessionId, flowId, confidence)
                        .replace("\"nodeId\":\"node-7\"", "\"nodeId\":\"" + nodeId + "\""))));
    }

    @Test
    void perFlowAndPerNodeThresholdsComeFromTheEnvironmentListsOverTheFileLines() {
        assertThat(System.getenv("ASR_FLOW_THRESHOLDS")).isEqualTo("env-flow=0.8, other-flow=0.6");
        assertThat(System.getenv("ASR_NODE_THRESHOLDS")).isEqualTo("env-node=0.2");
        cognigy.stubFor(post(urlPathMatching(".*/messages")).willReturn(okJson("{}")));

        // 0.7: above ASR_THRESHOLD (0.5) and the file line (0.4), below the list's 0.8
        assertThat(utterance("s-flow", "env-flow", "n-1", "0.7").body()).isEqualTo("{\"message\":\"low_confidence_routed\"}");
        assertThat(utterance("s-other", "other-flow", "n-1", "0.55").body()).isEqualTo("{\"message\":\"low_confidence_routed\"}");
        // 0.3: below ASR_THRESHOLD, above the node's 0.2 (which wins over the flow's)
        assertThat(utterance("s-node", "env-flow", "env-node", "0.3").body()).isEqualTo("{\"nextNode\":\"env-node\"}");
        cognigy.verify(exactly(2), postRequestedFor(urlPathMatching(".*/messages")));
    }

    @Test
    void secretsFromTheEnvironmentAreMaskedInTheStartUpSummary() throws Exception {
        assertThat(System.getenv("ACOUSTIC_PSEUDONYMISE_KEY")).startsWith("Zq7mark");
        java.util.Properties p = useOverridePropertiesWithPropertiesComponent();
        p.setProperty("service.instance-name", "secrets-from-environment");

        try (LogCapture logs = LogCapture.open()) {
            try (ServiceInstance instance = ServiceInstance.start(p)) {
                assertThat(send(HttpRequest.newBuilder(java.net.URI.create(instance.url("/webhook")))
                        .header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(sample("asr-high-confidence.json")))).statusCode())
                        .isEqualTo(200);
            }

            assertThat(logs.lines()).noneSatisfy(line -> assertThat(line).containsIgnoringCase("Zq7mark"));
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                    .matches(" *\\[environment\\] +acoustic.pseudonymise-key = xxxxxx"));
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                    .matches(" *\\[environment\\] +database.password = xxxxxx"));
        }
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
