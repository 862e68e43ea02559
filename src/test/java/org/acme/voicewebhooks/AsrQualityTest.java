package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ASR webhook's quality features: the missing-confidence policy, per-node thresholds, the reprompt loop guard
 * (this instance's count) and the shadow threshold.
 */
class AsrQualityTest extends WebhookTestSupport {

    private static final String WEBHOOK = "/webhook";
    private static final String LOW_CONFIDENCE_ROUTED = "{\"message\":\"low_confidence_routed\"}";
    private static final String ESCALATION = "{\"nextNode\":\"hand-over\"}";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AtomicInteger utterances = new AtomicInteger();

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        p.setProperty("asr.missing-confidence", "clarify");
        p.setProperty("asr.flow-threshold.strict-flow", "0.9");
        p.setProperty("asr.threshold.node.lenient-node", "0.3");
        p.setProperty("asr.escalation-node", "hand-over");
        p.setProperty("asr.shadow-threshold", "0.6");
        return p;
    }

    @BeforeEach
    void cognigyAcceptsMessages() {
        cognigy.stubFor(post(urlPathMatching("/api/v1/flows/[^/]+/sessions/[^/]+/messages"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"success\":true}")));
    }

    /** An utterance of a session; each call differs in its text, so it is never a duplicate. */
    private String utterance(String sessionId, String flowId, String nodeId, String confidence) {
        String text = "pay my bill " + utterances.incrementAndGet();
        String asr = confidence == null ? "{\"text\":\"" + text + "\"}" : "{\"confidence\":" + confidence + ",\"text\":\"" + text + "\"}";
        return "{\"sessionId\":\"" + sessionId + "\",\"flowId\":\"" + flowId + "\",\"nodeId\":\"" + nodeId + "\","
                + "\"utterance\":\"" + text + "\",\"asr\":" + asr + ","
                + "\"audio\":{\"durationMs\":1840,\"sampleRate\":8000,\"features\":\"AAECAw==\"}}";
    }

    private HttpResponse<String> postAsr(String body) {
        return postAsr(url(WEBHOOK), body);
    }

    private HttpResponse<String> postAsr(URI to, String body) {
        return send(HttpRequest.newBuilder(to)
                .header("Content-Type", "application/json")
                .header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private int clarificationsSentTo(String sessionId) {
        return cognigy.findAll(postRequestedFor(urlPathMatching("/api/v1/flows/[^/]+/sessions/" + sessionId + "/messages"))).size();
    }

    static double counted(CamelContext context, String name) {
        MeterRegistry meters = context.getRegistry().findSingleByType(MeterRegistry.class);
        return meters.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    private List<JsonNode> records(String sessionId) {
        List<JsonNode> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(acousticDir)) {
            for (Path file : files.sorted().toList()) {
                for (String line : Files.readAllLines(file)) {
                    JsonNode record = JSON.readTree(line);
                    if (record.path("sessionId").asText().equals(sessionId)) {
                        lines.add(record);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    @Test
    void missingConfidenceIsClarifiedWhenThePolicyIsClarify() {
        HttpResponse<String> answer = postAsr(utterance("sess_no_conf", "flow-billing", "node-7", null));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(LOW_CONFIDENCE_ROUTED);
        assertThat(clarificationsSentTo("sess_no_conf")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> records("sess_no_conf").size() == 1);
        JsonNode record = records("sess_no_conf").get(0);
        assertThat(record.get("confidence").isNull()).isTrue();
        assertThat(record.get("belowThreshold").asBoolean()).isTrue();
    }

    @Test
    void missingConfidencePassesToTheNextNodeWhenThePolicyIsPass() throws Exception {
        Properties settings = useOverridePropertiesWithPropertiesComponent();
        settings.setProperty("asr.missing-confidence", "pass");
        settings.setProperty("service.instance-name", "pass-instance");
        try (ServiceInstance pass = ServiceInstance.start(settings)) {
            HttpResponse<String> answer = postAsr(URI.create(pass.url(WEBHOOK)),
                    utterance("sess_no_conf_pass", "flow-billing", "node-7", null));

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("{\"nextNode\":\"node-7\"}");
            cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
        }
    }

    @Test
    void nodeThresholdWinsOverTheFlowsWhichWinsOverTheDefault() {
        // 0.5: below the default 0.75 and the flow's 0.9, above the node's 0.3
        assertThat(postAsr(utterance("sess_node", "strict-flow", "lenient-node", "0.5")).body())
                .isEqualTo("{\"nextNode\":\"lenient-node\"}");
        // 0.8: above the default, below the flow's
        assertThat(postAsr(utterance("sess_flow", "strict-flow", "node-7", "0.8")).body()).isEqualTo(LOW_CONFIDENCE_ROUTED);
        assertThat(postAsr(utterance("sess_default", "flow-billing", "node-7", "0.8")).body()).isEqualTo("{\"nextNode\":\"node-7\"}");
        assertThat(postAsr(utterance("sess_default", "flow-billing", "node-7", "0.7")).body()).isEqualTo(LOW_CONFIDENCE_ROUTED);
    }

    @Test
    void thresholdsGivenAsSystemPropertiesWinOverTheListsAndTheFileLines() throws Exception {
        Properties settings = useOverridePropertiesWithPropertiesComponent();
        settings.setProperty("service.instance-name", "system-properties");
        settings.setProperty("asr.node-thresholds", "sysprop-node=0.1");
        System.setProperty("asr.threshold.node.sysprop-node", "0.95");
        System.setProperty("asr.threshold.node.lenient-node", "0.95");
        System.setProperty("asr.flow-threshold.sysprop-flow", "0.2");
        try (ServiceInstance instance = ServiceInstance.start(settings)) {
            URI webhook = URI.create(instance.url(WEBHOOK));

            // 0.9: above the default 0.75 and the list's 0.1, below -Dasr.threshold.node.sysprop-node=0.95
            assertThat(postAsr(webhook, utterance("sess_sys_node", "flow-billing", "sysprop-node", "0.9")).body())
                    .isEqualTo(LOW_CONFIDENCE_ROUTED);
            // 0.5: above the file line's 0.3 for lenient-node, below its system property's 0.95
            assertThat(postAsr(webhook, utterance("sess_sys_line", "flow-billing", "lenient-node", "0.5")).body())
                    .isEqualTo(LOW_CONFIDENCE_ROUTED);
            // 0.5: below the default, above -Dasr.flow-threshold.sysprop-flow=0.2
            assertThat(postAsr(webhook, utterance("sess_sys_flow", "sysprop-flow", "node-7", "0.5")).body())
                    .isEqualTo("{\"nextNode\":\"node-7\"}");
        } finally {
            System.clearProperty("asr.threshold.node.sysprop-node");
            System.clearProperty("asr.threshold.node.lenient-node");
            System.clearProperty("asr.flow-threshold.sysprop-flow");
        }
        assertThat(clarificationsSentTo("sess_sys_node")).isEqualTo(1);
        assertThat(clarificationsSentTo("sess_sys_flow")).isZero();
    }

    @Test
    void afterTwoClarificationsTheNextLowConfidenceUtteranceEscalates() {
        String session = "sess_loop";
        assertThat(postAsr(utterance(session, "flow-billing", "node-7", "0.3")).body()).isEqualTo(LOW_CONFIDENCE_ROUTED);
        assertThat(postAsr(utterance(session, "flow-billing", "node-7", "0.3")).body()).isEqualTo(LOW_CONFIDENCE_ROUTED);
        // a confident utterance in between neither counts nor resets
        assertThat(postAsr(utterance(session, "flow-billing", "node-7", "0.95")).body()).isEqualTo("{\"nextNode\":\"node-7\"}");

        HttpResponse<String> third = postAsr(utterance(session, "flow-billing", "node-7", "0.3"));

        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(third.body()).isEqualTo(ESCALATION);
        assertThat(postAsr(utterance(session, "flow-billing", "node-7", "0.2")).body()).isEqualTo(ESCALATION);
        assertThat(clarificationsSentTo(session)).isEqualTo(2);
        assertThat(counted(context, "asr.clarifications")).isEqualTo(2);
        assertThat(counted(context, "asr.escalations")).isEqualTo(2);
        // another session has its own count
        assertThat(postAsr(utterance("sess_other", "flow-billing", "node-7", "0.3")).body()).isEqualTo(LOW_CONFIDENCE_ROUTED);
    }

    @Test
    void theCountStartsAgainWhenTheWindowIsOver() throws Exception {
        Properties settings = useOverridePropertiesWithPropertiesComponent();
        settings.setProperty("asr.clarification-window-seconds", "1");
        settings.setProperty("asr.max-clarifications", "1");
        settings.setProperty("service.instance-name", "short-window");
        try (ServiceInstance shortWindow = ServiceInstance.start(settings)) {
            URI webhook = URI.create(shortWindow.url(WEBHOOK));
            String session = "sess_window";
            assertThat(postAsr(webhook, utterance(session, "flow-billing", "node-7", "0.3")).body()).isEqualTo(LOW_CONFIDENCE_ROUTED);
            assertThat(postAsr(webhook, utterance(session, "flow-billing", "node-7", "0.3")).body()).isEqualTo(ESCALATION);

            // escalated until the window of the first clarification is over, then clarified again
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() ->
                    postAsr(webhook, utterance(session, "flow-billing", "node-7", "0.3")).body().equals(LOW_CONFIDENCE_ROUTED));
            assertThat(postAsr(webhook, utterance(session, "flow-billing", "node-7", "0.3")).body()).isEqualTo(ESCALATION);
            assertThat(clarificationsSentTo(session)).isEqualTo(2);
        }
    }

    @Test
    void shadowThresholdIsRecordedAndCountedWhereItDisagreesButNeverActs() {
        // shadow 0.6, live 0.75: 0.7 is below live and above shadow (disagree); 0.5 below both; 0.9 above both
        assertThat(postAsr(utterance("sess_shadow_a", "flow-billing", "node-7", "0.7")).body()).isEqualTo(LOW_CONFIDENCE_ROUTED);
        assertThat(postAsr(utterance("sess_shadow_b", "flow-billing", "node-7", "0.5")).body()).isEqualTo(LOW_CONFIDENCE_ROUTED);
        assertThat(postAsr(utterance("sess_shadow_c", "flow-billing", "node-7", "0.9")).body()).isEqualTo("{\"nextNode\":\"node-7\"}");
        // the node's own 0.3 decides live: 0.5 passes, the shadow's 0.6 would clarify (disagree)
        assertThat(postAsr(utterance("sess_shadow_d", "flow-billing", "lenient-node", "0.5")).body())
                .isEqualTo("{\"nextNode\":\"lenient-node\"}");

        assertThat(counted(context, "asr.shadow.disagreements")).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> Stream.of("a", "b", "c", "d")
                .allMatch(s -> records("sess_shadow_" + s).size() == 1));
        assertThat(records("sess_shadow_a").get(0).get("belowThreshold").asBoolean()).isTrue();
        assertThat(records("sess_shadow_a").get(0).get("shadowBelowThreshold").asBoolean()).isFalse();
        assertThat(records("sess_shadow_b").get(0).get("shadowBelowThreshold").asBoolean()).isTrue();
        assertThat(records("sess_shadow_c").get(0).get("shadowBelowThreshold").asBoolean()).isFalse();
        assertThat(records("sess_shadow_d").get(0).get("belowThreshold").asBoolean()).isFalse();
        assertThat(records("sess_shadow_d").get(0).get("shadowBelowThreshold").asBoolean()).isTrue();
    }
}
