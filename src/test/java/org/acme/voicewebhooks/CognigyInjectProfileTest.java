package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
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

import org.junit.jupiter.api.Test;

/** Profile cognigy-inject: state reset and clarification become Endpoint injects; no TTS abort. */
class CognigyInjectProfileTest extends WebhookTestSupport {

    private static final String TOKEN = "b3c1a9f0d2e8";

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "file:application-cognigy-inject.properties;optional=true," + Application.PROPERTY_LOCATIONS;
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        p.setProperty("cognigy.endpoint-url", cognigy.baseUrl());
        p.remove("cognigy.client-id");
        p.remove("cognigy.client-secret");
        return p;
    }

    @Test
    void confidentBargeInInjectsTheStateResetAndAbortsNothing() {
        cognigy.stubFor(post(urlPathMatching("/inject/.*")).willReturn(okJson("{\"text\":\"\"}")));
        String event = "{\"sessionId\":\"sess-9\",\"event\":\"barge_in\",\"confidence\":0.9,\"transcript\":\"wait\","
                + "\"timestamp\":1,\"userId\":\"caller \\\"7\\\"\\nü\",\"urlToken\":\"" + TOKEN + "\"}";

        HttpResponse<String> answer = postJson("/webhook/cognigy/barge-in", event);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).startsWith("{\"status\":\"processed\",\"abort\":{\"action\":\"disabled\"},\"state\":");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo("/inject/" + TOKEN))
                .withHeader("Authorization", absent())
                .withRequestBody(equalTo("{\"userId\":\"caller \\\"7\\\"\\nü\",\"sessionId\":\"sess-9\",\"text\":\"\","
                        + "\"data\":{\"cx\":{\"barage_in_detected\":true,\"current_intent\":\"\",\"partial_transcript\":\"\","
                        + "\"flow_state\":\"interrupt_recover\",\"interrupt_confidence\":0.9}}}")));
        cognigy.verify(exactly(0), postRequestedFor(urlPathMatching(".*/voice/commands")));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(LOGIN)));
    }

    @Test
    void lowConfidenceUtteranceInjectsRepeat() {
        cognigy.stubFor(post(urlPathMatching("/inject/.*")).willReturn(okJson("{}")));
        String utterance = "{\"sessionId\":\"s-1\",\"flowId\":\"f\",\"asr\":{\"confidence\":0.2,\"text\":\"hm\"},"
                + "\"userId\":\"u-1\",\"urlToken\":\"" + TOKEN + "\"}";

        HttpResponse<String> answer = send(HttpRequest.newBuilder(url("/webhook")).header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(utterance)));

        assertThat(answer.body()).isEqualTo("{\"message\":\"low_confidence_routed\"}");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo("/inject/" + TOKEN))
                .withHeader("X-Cognigy-API-Key", absent())
                .withRequestBody(equalTo("{\"userId\":\"u-1\",\"sessionId\":\"s-1\",\"text\":\"repeat\","
                        + "\"data\":{\"source\":\"asr_webhook\"}}")));
    }

    @Test
    void aWebhookWithoutTheFieldsTheInjectNeedsIsRefusedNamingThem() {
        HttpResponse<String> bargeIn = postJson("/webhook/cognigy/barge-in", sample("barge-in-confident.json"));
        HttpResponse<String> asr = send(HttpRequest.newBuilder(url("/webhook")).header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(sample("asr-low-confidence.json"))));

        assertThat(bargeIn.statusCode()).isEqualTo(422);
        assertThat(bargeIn.body()).contains("Invalid payload: ").contains("is required by the reset-state command");
        assertThat(asr.statusCode()).isEqualTo(400);
        assertThat(asr.body()).contains("is required by the clarify command");
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    @Test
    void theUrlTokenOfAFailingInjectIsInNoLogLineAndMaskedInTheDeadLetter() throws Exception {
        cognigy.stubFor(post(urlPathMatching("/inject/.*")).willReturn(aResponse().withStatus(503)));
        String utterance = "{\"sessionId\":\"s-2\",\"flowId\":\"f\",\"asr\":{\"confidence\":0.2,\"text\":\"hm\"},"
                + "\"userId\":\"u-1\",\"urlToken\":\"" + TOKEN + "\"}";

        try (LogCapture logs = LogCapture.open()) {
            HttpResponse<String> answer = send(HttpRequest.newBuilder(url("/webhook")).header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString(utterance)));

            assertThat(answer.statusCode()).isEqualTo(502);
            assertThat(answer.body()).isEqualTo("{\"error\":\"API error 503\"}");
            // each retry is logged, by command and status, never by URL
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("retry ")).hasSize(3)
                    .allSatisfy(l -> assertThat(l).contains("cognigy-clarify", "\"s-2\"", "HTTP 503"));
            assertThat(logs.lines()).isNotEmpty().noneSatisfy(line -> assertThat(line).contains(TOKEN));
        }
        cognigy.verify(exactly(4), postRequestedFor(urlEqualTo("/inject/" + TOKEN)));
        String store;
        try (var files = java.nio.file.Files.list(deadLetterDir)) {
            store = java.nio.file.Files.readString(files.findFirst().orElseThrow());
        }
        com.fasterxml.jackson.databind.JsonNode entry = new com.fasterxml.jackson.databind.ObjectMapper().readTree(store);
        assertThat(entry.get("url").asText()).isEqualTo(cognigy.baseUrl() + "/inject/***");
        // what a replay sends to: the Endpoint's URL with its token (README, dead letters)
        assertThat(entry.get("path").asText()).isEqualTo(cognigy.baseUrl() + "/inject/" + TOKEN);
    }
}
