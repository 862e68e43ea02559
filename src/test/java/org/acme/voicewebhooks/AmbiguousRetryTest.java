package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;

/** retry-ambiguous=false on the clarification: a failure after sending is final, anything else is still retried. */
class AmbiguousRetryTest extends WebhookTestSupport {

    private static final String MESSAGES = "/api/v1/flows/flow-billing/sessions/sess_41c2/messages";
    private static final String ABORT = "/api/v1/sessions/sess_8f3a2b1c/voice/commands";

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        p.setProperty("cognigy.command.clarify.retry-ambiguous", "false");
        return p;
    }

    private HttpResponse<String> lowConfidenceUtterance() {
        return send(HttpRequest.newBuilder(url("/webhook")).header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(sample("asr-low-confidence.json"))));
    }

    private JsonNode onlyDeadLetter() throws IOException {
        try (var files = Files.list(deadLetterDir)) {
            List<String> lines = Files.readAllLines(files.findFirst().orElseThrow());
            assertThat(lines).hasSize(1);
            return new ObjectMapper().readTree(lines.get(0));
        }
    }

    @Test
    void aReadTimeoutIsFinalAndTheClarificationIsSentOnce() throws IOException {
        cognigy.stubFor(post(urlEqualTo(MESSAGES)).willReturn(okJson("{}").withFixedDelay(1500)));

        HttpResponse<String> answer = lowConfidenceUtterance();

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(cognigy.findAll(postRequestedFor(urlEqualTo(MESSAGES)))).hasSize(1);
        JsonNode entry = onlyDeadLetter();
        assertThat(entry.get("error").asText()).isEqualTo("SocketTimeoutException");
        assertThat(entry.get("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void aConnectionResetAfterSendingIsFinal() throws IOException {
        cognigy.stubFor(post(urlEqualTo(MESSAGES)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        assertThat(lowConfidenceUtterance().statusCode()).isEqualTo(502);

        assertThat(cognigy.findAll(postRequestedFor(urlEqualTo(MESSAGES)))).hasSize(1);
        assertThat(onlyDeadLetter().get("command").asText()).isEqualTo("cognigy-clarify");
    }

    @Test
    void aStatusThatSaysNothingWasDoneIsStillRetried() {
        cognigy.stubFor(post(urlEqualTo(MESSAGES)).inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("free"));
        cognigy.stubFor(post(urlEqualTo(MESSAGES)).inScenario("busy").whenScenarioStateIs("free").willReturn(okJson("{}")));

        HttpResponse<String> answer = lowConfidenceUtterance();

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(cognigy.findAll(postRequestedFor(urlEqualTo(MESSAGES)))).hasSize(2);
    }

    @Test
    void otherCommandsKeepTheDefaultAndRetryWithTheSameIdempotencyKey() {
        cognigy.stubFor(post(urlEqualTo(ABORT)).inScenario("slow").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{}").withFixedDelay(1500)).willSetStateTo("fast"));
        cognigy.stubFor(post(urlEqualTo(ABORT)).inScenario("slow").whenScenarioStateIs("fast").willReturn(okJson("{}")));
        cognigy.stubFor(post(urlEqualTo("/api/v1/sessions/sess_8f3a2b1c/variables")).willReturn(okJson("{}")));

        assertThat(postJson("/webhook/cognigy/barge-in", sample("barge-in-confident.json")).statusCode()).isEqualTo(200);

        List<LoggedRequest> sent = cognigy.findAll(postRequestedFor(urlEqualTo(ABORT)));
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).getHeader("Idempotency-Key")).isEqualTo(sent.get(0).getHeader("Idempotency-Key"));
    }
}
