package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
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
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AsrConfidenceWebhookTest extends WebhookTestSupport {

    static final String WEBHOOK = "/webhook";
    static final String MESSAGES = "/api/v1/flows/flow-billing/sessions/sess_41c2/messages";
    static final String CLARIFICATION = "{\"message\":\"repeat\",\"source\":\"asr_webhook\"}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        p.setProperty("asr.flow-threshold.strict-flow", "0.9");
        return p;
    }

    static String utterance(String sessionId, String flowId, String confidence) {
        return "{\"sessionId\":\"" + sessionId + "\",\"flowId\":\"" + flowId + "\",\"nodeId\":\"node-7\","
                + "\"utterance\":\"pay my bill\",\"asr\":{\"confidence\":" + confidence + ",\"text\":\"pay my bill\"},"
                + "\"audio\":{\"durationMs\":1840,\"sampleRate\":8000,\"features\":\"AAECAw==\"}}";
    }

    private HttpResponse<String> postAsr(String body) {
        return send(HttpRequest.newBuilder(url(WEBHOOK))
                .header("Content-Type", "application/json")
                .header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private void cognigyAcceptsMessages(int status) {
        cognigy.stubFor(post(urlPathMatching("/api/v1/flows/[^/]+/sessions/[^/]+/messages"))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                        .withBody("{\"success\":true}")));
    }

    /** Every record line written so far, across this instance's files. */
    private List<JsonNode> records() {
        List<JsonNode> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(acousticDir)) {
            for (Path file : files.sorted().toList()) {
                for (String line : Files.readAllLines(file)) {
                    lines.add(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    private List<JsonNode> awaitRecords(int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> records().size() >= count);
        return records();
    }

    @Test
    void lowConfidenceUtteranceIsRoutedToAClarification() {
        cognigyAcceptsMessages(200);

        HttpResponse<String> answer = postAsr(sample("asr-low-confidence.json"));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(answer.body()).isEqualTo("{\"message\":\"low_confidence_routed\"}");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(MESSAGES))
                .withHeader("X-Cognigy-API-Key", equalTo(COGNIGY_API_KEY))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalTo(CLARIFICATION)));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(LOGIN)));
    }

    @Test
    void theAnswerEchoesNoRequestHeaderAndHasALength() {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(url(WEBHOOK))
                .header("Content-Type", "application/json")
                .header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .header("X-Trace-Me", "caller-value")
                .POST(HttpRequest.BodyPublishers.ofString(sample("asr-high-confidence.json"))));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().map().keySet()).map(String::toLowerCase)
                .doesNotContain("x-cognigy-api-key", "x-trace-me", "transfer-encoding");
        assertThat(answer.headers().firstValueAsLong("Content-Length")).hasValue(answer.body().length());
    }

    @Test
    void anErrorAnswerAndADuplicatesAnswerHaveALengthToo() {
        HttpResponse<String> invalid = send(HttpRequest.newBuilder(url(WEBHOOK))
                .header("Content-Type", "application/json")
                .header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"sessionId\":\"s-len\"}")));
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.headers().firstValue("Transfer-Encoding")).isEmpty();
        assertThat(invalid.headers().firstValueAsLong("Content-Length")).hasValue(invalid.body().length());

        String delivery = sample("asr-high-confidence.json").replace("sess_41c2", "sess_len");
        HttpResponse<String> first = null;
        for (int copy = 0; copy < 2; copy++) {
            HttpResponse<String> answer = send(HttpRequest.newBuilder(url(WEBHOOK))
                    .header("Content-Type", "application/json")
                    .header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString(delivery)));
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Transfer-Encoding")).isEmpty();
            assertThat(answer.headers().firstValueAsLong("Content-Length")).hasValue(answer.body().length());
            if (first != null) {
                assertThat(answer.body()).isEqualTo(first.body()).isNotEmpty();
            }
            first = answer;
        }
        // neither the refused delivery nor the confident one (nor its copy) reaches Cognigy
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    @Test
    void aFormBodyIsNotJson() {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(url(WEBHOOK))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(sample("asr-high-confidence.json"))));

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).isEqualTo("{\"error\":\"Invalid JSON payload\"}");
    }

    @Test
    void confidentUtterancePassesThroughToTheNextNode() {
        HttpResponse<String> answer = postAsr(sample("asr-high-confidence.json"));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"nextNode\":\"node-confirm-amount\"}");
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"nodeId\":\"\",", ""})
    void emptyOrAbsentNodeIdAnswersAnEmptyObject(String nodeId) {
        HttpResponse<String> answer = postAsr("{\"sessionId\":\"s\",\"flowId\":\"f\"," + nodeId + "\"asr\":{\"confidence\":0.9}}");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{}");
    }

    @Test
    void nodeIdIsEscapedInTheAnswer() {
        HttpResponse<String> answer = postAsr("{\"sessionId\":\"s\",\"flowId\":\"f\",\"nodeId\":\"n\\\"1\","
                + "\"asr\":{\"confidence\":0.9}}");

        assertThat(answer.body()).isEqualTo("{\"nextNode\":\"n\\\"1\"}");
    }

    @ParameterizedTest(name = "confidence {0} in {1} is clarified: {2}")
    @CsvSource({
        "0.0, flow-billing, true",
        "0, flow-billing, true",
        "0.7499, flow-billing, true",
        "0.75, flow-billing, false",
        "1.0, flow-billing, false",
        "0.8, strict-flow, true",
        "0.9, strict-flow, false",
    })
    void clarificationBelowTheFlowsThresholdOnly(String confidence, String flowId, boolean clarified) {
        cognigyAcceptsMessages(200);

        HttpResponse<String> answer = postAsr(utterance("s-1", flowId, confidence));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(clarified ? "{\"message\":\"low_confidence_routed\"}" : "{\"nextNode\":\"node-7\"}");
        cognigy.verify(exactly(clarified ? 1 : 0), postRequestedFor(urlEqualTo(
                "/api/v1/flows/" + flowId + "/sessions/s-1/messages")));
        assertThat(awaitRecords(1).get(0).path("belowThreshold").asBoolean()).isEqualTo(clarified);
    }

    @ParameterizedTest(name = "key {0}")
    @ValueSource(strings = {"", "wrong-key", "caller-key-471", "caller-key-47111"})
    void wrongOrMissingKeyIs401AndNothingIsRecordedOrSent(String key) {
        cognigyAcceptsMessages(200);
        HttpRequest.Builder request = HttpRequest.newBuilder(url(WEBHOOK)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(sample("asr-low-confidence.json")));
        if (!key.isEmpty()) {
            request.header("X-Cognigy-API-Key", key);
        }

        HttpResponse<String> answer = send(request);

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).isEqualTo("{\"error\":\"Unauthorized\"}");
        assertNothingRecordedOrSent();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "not json|Invalid JSON payload",
        "{\"sessionId\":\"s\",|Invalid JSON payload",
        "[1,2]|Invalid JSON payload",
        "null|Invalid JSON payload",
        "\"text\"|Invalid JSON payload",
        "{\"sessionId\":\"s\",\"flowId\":\"f\",\"asr\":{\"confidence\":\"0.9\"}}|Invalid JSON payload",
        "{\"flowId\":\"f\",\"asr\":{\"confidence\":0.5}}|Missing confidence or session identifiers",
        "{\"sessionId\":\"\",\"flowId\":\"f\",\"asr\":{\"confidence\":0.5}}|Missing confidence or session identifiers",
        "{\"sessionId\":\"s\",\"asr\":{\"confidence\":0.5}}|Missing confidence or session identifiers",
        "{\"sessionId\":\"s\",\"flowId\":\"\",\"asr\":{\"confidence\":0.5}}|Missing confidence or session identifiers",
        "{\"sessionId\":\"s\",\"flowId\":\"f\"}|Missing confidence or session identifiers",
        "{\"sessionId\":\"s\",\"flowId\":\"f\",\"asr\":{\"text\":\"hi\"}}|Missing confidence or session identifiers",
        "{\"sessionId\":\"s\",\"flowId\":\"f\",\"asr\":{\"confidence\":1.5}}|Confidence must be between 0.0 and 1.0",
        "{\"sessionId\":\"s\",\"flowId\":\"f\",\"asr\":{\"confidence\":-0.1}}|Confidence must be between 0.0 and 1.0",
        "{\"sessionId\":\"..\",\"flowId\":\"f\",\"asr\":{\"confidence\":0.5}}|Invalid session identifiers",
        "{\"sessionId\":\"s\",\"flowId\":\".\",\"asr\":{\"confidence\":0.5}}|Invalid session identifiers",
    })
    void invalidUtteranceIs400AndNothingIsRecordedOrSent(String body, String error) {
        cognigyAcceptsMessages(200);

        HttpResponse<String> answer = postAsr(body);

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).isEqualTo("{\"error\":\"" + error + "\"}");
        assertNothingRecordedOrSent();
    }

    @Test
    void emptyBodyIsInvalidJson() {
        HttpResponse<String> answer = postAsr("");

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).isEqualTo("{\"error\":\"Invalid JSON payload\"}");
    }

    /** A valid request afterwards proves the wiretap ran: its record must then be the only one. */
    private void assertNothingRecordedOrSent() {
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
        assertThat(postAsr(utterance("after", "f", "0.9")).statusCode()).isEqualTo(200);
        assertThat(awaitRecords(1)).extracting(r -> r.path("sessionId").asText()).containsExactly("after");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "PUT", "DELETE"})
    void otherMethodsAre405(String method) {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(url(WEBHOOK))
                .header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .method(method, HttpRequest.BodyPublishers.ofString(sample("asr-low-confidence.json"))));

        assertThat(answer.statusCode()).isEqualTo(405);
    }

    @Test
    void createdIsSuccess() {
        cognigyAcceptsMessages(201);

        HttpResponse<String> answer = postAsr(sample("asr-low-confidence.json"));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"message\":\"low_confidence_routed\"}");
    }

    @Test
    void aStatusOutsideTheCommandsSuccessStatusesFailsWithoutRetry() {
        cognigyAcceptsMessages(202);

        HttpResponse<String> answer = postAsr(sample("asr-low-confidence.json"));

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).isEqualTo("{\"error\":\"API error 202\"}");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(MESSAGES)));
    }

    @Test
    void unavailableOnceThenSuccessSendsTheIdenticalBody() {
        cognigy.stubFor(post(urlEqualTo(MESSAGES)).inScenario("503").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        cognigy.stubFor(post(urlEqualTo(MESSAGES)).inScenario("503").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(201)));

        HttpResponse<String> answer = postAsr(sample("asr-low-confidence.json"));

        assertThat(answer.statusCode()).isEqualTo(200);
        List<LoggedRequest> calls = cognigy.findAll(postRequestedFor(urlEqualTo(MESSAGES)));
        assertThat(calls).hasSize(2).allSatisfy(r -> assertThat(r.getBodyAsString()).isEqualTo(CLARIFICATION));
        assertThat(calls).allSatisfy(r -> assertThat(r.getHeader("X-Cognigy-API-Key")).isEqualTo(COGNIGY_API_KEY));
    }

    @Test
    void rateLimitedClarificationWaitsForRetryAfter() {
        cognigy.stubFor(post(urlEqualTo(MESSAGES)).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("open"));
        cognigy.stubFor(post(urlEqualTo(MESSAGES)).inScenario("429").whenScenarioStateIs("open")
                .willReturn(okJson("{}")));

        HttpResponse<String> answer = postAsr(sample("asr-low-confidence.json"));

        assertThat(answer.statusCode()).isEqualTo(200);
        List<LoggedRequest> calls = cognigy.findAll(postRequestedFor(urlEqualTo(MESSAGES)));
        assertThat(calls).hasSize(2);
        assertThat(calls.get(1).getBodyAsString()).isEqualTo(calls.get(0).getBodyAsString());
        assertThat(calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime()).isGreaterThanOrEqualTo(950);
    }

    @Test
    void persistentUnavailabilityIs502AfterFourAttempts() {
        cognigyAcceptsMessages(503);

        HttpResponse<String> answer = postAsr(sample("asr-low-confidence.json"));

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).isEqualTo("{\"error\":\"API error 503\"}");
        cognigy.verify(exactly(4), postRequestedFor(urlEqualTo(MESSAGES)).withRequestBody(equalTo(CLARIFICATION)));
        // the utterance is still recorded for retraining
        assertThat(awaitRecords(1).get(0).path("belowThreshold").asBoolean()).isTrue();
    }

    @Test
    void rejectedKeyIsAuthenticationFailedWithoutRetry() {
        cognigyAcceptsMessages(401);

        HttpResponse<String> answer = postAsr(sample("asr-low-confidence.json"));

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).isEqualTo("{\"error\":\"Authentication failed\"}");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(MESSAGES)));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(LOGIN)));
    }

    @ParameterizedTest(name = "flowId {0}, sessionId {2}")
    @CsvSource(delimiter = '|', value = {
        "a/b|a%2Fb|x?admin=1|x%3Fadmin%3D1",
        "../admin|..%2Fadmin|a%2Fb|a%252Fb",
        "flow one|flow%20one|../../x|..%2F..%2Fx",
        "f#1|f%231|s p a c e|s%20p%20a%20c%20e",
    })
    void flowAndSessionIdsAreOneEncodedSegmentEach(String flowId, String flowSegment, String sessionId, String sessionSegment) {
        cognigyAcceptsMessages(200);

        HttpResponse<String> answer = postAsr(utterance(sessionId, flowId, "0.1"));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(cognigy.findAll(anyRequestedFor(anyUrl()))).extracting(LoggedRequest::getUrl)
                .containsExactly("/api/v1/flows/" + flowSegment + "/sessions/" + sessionSegment + "/messages");
    }

    @Test
    void recordHasExactlyTheSpecFieldsWithTheirTypes() {
        cognigyAcceptsMessages(200);

        postAsr(sample("asr-low-confidence.json"));

        JsonNode record = awaitRecords(1).get(0);
        List<String> fields = new ArrayList<>();
        record.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("timestamp", "sessionId", "flowId", "utterance", "confidence",
                "durationMs", "sampleRate", "rawFeatures", "belowThreshold");
        assertThat(java.time.Instant.parse(record.get("timestamp").asText())).isNotNull();
        assertThat(record.get("timestamp").asText()).endsWith("Z");
        assertThat(record.get("sessionId").asText()).isEqualTo("sess_41c2");
        assertThat(record.get("flowId").asText()).isEqualTo("flow-billing");
        assertThat(record.get("utterance").asText()).isEqualTo("I want to pay my bill");
        assertThat(record.get("confidence").isDouble()).isTrue();
        assertThat(record.get("confidence").asDouble()).isEqualTo(0.42);
        assertThat(record.get("durationMs").isIntegralNumber()).isTrue();
        assertThat(record.get("durationMs").asLong()).isEqualTo(1840);
        assertThat(record.get("sampleRate").asInt()).isEqualTo(8000);
        assertThat(record.get("rawFeatures").asText()).isEqualTo("AAECAwQFBgcICQ==");
        assertThat(record.get("belowThreshold").isBoolean()).isTrue();
        assertThat(record.get("belowThreshold").asBoolean()).isTrue();
    }

    @Test
    void recordFileIsNamedByHourAndInstance() throws IOException {
        postAsr(sample("asr-high-confidence.json"));
        awaitRecords(1);

        try (Stream<Path> files = Files.list(acousticDir)) {
            // the folder's other file is the writers' lock, .acoustic-records.lock
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> !n.startsWith(".")))
                    .singleElement().asString().matches("acoustic-\\d{4}-\\d{2}-\\d{2}T\\d{2}-test-instance\\.jsonl");
        }
    }

    @Test
    void recordsNeverReachTheApplicationLog() {
        cognigyAcceptsMessages(200);
        try (LogCapture logs = LogCapture.open()) {
            postAsr(sample("asr-low-confidence.json"));
            awaitRecords(1);

            assertThat(logs.lines()).isNotEmpty()
                    .noneSatisfy(line -> assertThat(line).containsAnyOf("AAECAwQFBgcICQ==", "pay my bill", ASR_WEBHOOK_KEY));
        }
    }
}
