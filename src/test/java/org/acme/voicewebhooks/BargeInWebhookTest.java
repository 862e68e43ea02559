package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BargeInWebhookTest extends WebhookTestSupport {

    private static final String WEBHOOK = "/webhook/cognigy/barge-in";
    private static final String ABORT = "/api/v1/sessions/sess_8f3a2b1c/voice/commands";
    private static final String VARIABLES = "/api/v1/sessions/sess_8f3a2b1c/variables";
    private static final String STOPPED =
            "{\"success\":true,\"sessionId\":\"sess_8f3a2b1c\",\"commandExecuted\":\"stop\",\"timestamp\":1718452901234}";
    private static final String UPDATED = "{\"sessionId\":\"sess_8f3a2b1c\",\"updatedVariables\":5,\"timestamp\":1718452902105}";
    private static final String STOP_BODY = "{\"command\":\"stop\",\"reason\":\"user_interrupt\",\"sessionId\":\"sess_8f3a2b1c\"}";

    private static String event(String sessionId, String confidence) {
        return "{\"sessionId\":\"" + sessionId + "\",\"event\":\"barge_in\",\"confidence\":" + confidence
                + ",\"transcript\":\"wait\",\"timestamp\":1718452901234}";
    }

    private void cognigyAnswersCommands() {
        cognigy.stubFor(post(urlPathMatching("/api/v1/sessions/[^/]+/voice/commands")).willReturn(okJson(STOPPED)));
        cognigy.stubFor(post(urlPathMatching("/api/v1/sessions/[^/]+/variables")).willReturn(okJson(UPDATED)));
    }

    @Test
    void confidentBargeInStopsTtsThenResetsState() {
        cognigyAnswersCommands();

        HttpResponse<String> answer = postJson(WEBHOOK, sample("barge-in-confident.json"));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(answer.body()).isEqualTo("{\"status\":\"processed\",\"abort\":" + STOPPED + ",\"state\":" + UPDATED + "}");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(LOGIN))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalTo("{\"clientId\":\"test-client\",\"clientSecret\":\"test-secret-value\"}")));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(ABORT))
                .withHeader("Authorization", equalTo("Bearer t-1"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalTo(STOP_BODY)));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(VARIABLES))
                .withHeader("Authorization", equalTo("Bearer t-1"))
                .withRequestBody(equalTo("{\"variables\":["
                        + "{\"key\":\"cx.barage_in_detected\",\"value\":true},"
                        + "{\"key\":\"cx.current_intent\",\"value\":\"\"},"
                        + "{\"key\":\"cx.partial_transcript\",\"value\":\"\"},"
                        + "{\"key\":\"cx.flow_state\",\"value\":\"interrupt_recover\"},"
                        + "{\"key\":\"cx.interrupt_confidence\",\"value\":0.89}]}")));
        List<LoggedRequest> order = cognigy.findAll(anyRequestedFor(anyUrl()));
        assertThat(order).extracting(LoggedRequest::getUrl).containsExactly(LOGIN, ABORT, VARIABLES);
    }

    @Test
    void lowConfidenceBargeInStopsTtsAndLeavesStateAlone() {
        cognigyAnswersCommands();

        HttpResponse<String> answer = postJson(WEBHOOK, sample("barge-in-low-confidence.json"));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"status\":\"processed\",\"abort\":" + STOPPED
                + ",\"state\":{\"action\":\"ignored\",\"reason\":\"low_confidence\"}}");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(ABORT)).withRequestBody(equalTo(STOP_BODY)));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(VARIABLES)));
    }

    @ParameterizedTest(name = "confidence {0} resets state: {1}")
    @CsvSource({"0.75, true", "0.7499, false", "0.0, false", "0, false", "1.0, true", "1, true"})
    void stateIsResetAtOrAboveTheThreshold(String confidence, boolean resets) {
        cognigyAnswersCommands();

        HttpResponse<String> answer = postJson(WEBHOOK, event("sess_8f3a2b1c", confidence));

        assertThat(answer.statusCode()).isEqualTo(200);
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(ABORT)));
        cognigy.verify(exactly(resets ? 1 : 0), postRequestedFor(urlEqualTo(VARIABLES))
                .withRequestBody(equalToJson("{\"variables\":[{},{},{},{},{\"key\":\"cx.interrupt_confidence\"}]}", false, true)));
        assertThat(answer.body()).contains(resets ? UPDATED : "\"state\":{\"action\":\"ignored\",\"reason\":\"low_confidence\"}");
    }

    @Test
    void unknownExtraFieldsAreIgnored() {
        cognigyAnswersCommands();

        HttpResponse<String> answer = postJson(WEBHOOK,
                "{\"sessionId\":\"sess_8f3a2b1c\",\"event\":\"barge_in\",\"confidence\":0.9,\"transcript\":\"wait\","
                        + "\"timestamp\":1718452901234,\"channel\":\"voice\",\"extra\":{\"nested\":[1,2]}}");

        assertThat(answer.statusCode()).isEqualTo(200);
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(VARIABLES)));
    }

    @Test
    void contentTypeOtherThanJsonIs415() {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(url(WEBHOOK))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(sample("barge-in-confident.json"))));

        assertThat(answer.statusCode()).isEqualTo(415);
        assertThat(answer.body()).isEqualTo("{\"error\":\"Content-Type must be application/json\"}");
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    @Test
    void missingContentTypeIs415() {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(url(WEBHOOK))
                .POST(HttpRequest.BodyPublishers.ofString(sample("barge-in-confident.json"))));

        assertThat(answer.statusCode()).isEqualTo(415);
        assertThat(answer.body()).isEqualTo("{\"error\":\"Content-Type must be application/json\"}");
    }

    @Test
    void jsonWithCharsetIsAccepted() {
        cognigyAnswersCommands();

        HttpResponse<String> answer = send(HttpRequest.newBuilder(url(WEBHOOK))
                .header("Content-Type", "application/json; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(sample("barge-in-confident.json"))));

        assertThat(answer.statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"sessionId\":\"s-1\",\"event\":\"barge_in\",\"confidence\":\"0.9\",\"transcript\":\"x\",\"timestamp\":1}|confidence must be a number",
        "{\"event\":\"barge_in\",\"confidence\":0.9,\"transcript\":\"x\",\"timestamp\":1}|sessionId is required",
        "{\"sessionId\":\"\",\"event\":\"barge_in\",\"confidence\":0.9,\"transcript\":\"x\",\"timestamp\":1}|sessionId must not be empty",
        "{\"sessionId\":5,\"event\":\"barge_in\",\"confidence\":0.9,\"transcript\":\"x\",\"timestamp\":1}|sessionId must be a string",
        "{\"sessionId\":\"s-1\",\"confidence\":0.9,\"transcript\":\"x\",\"timestamp\":1}|event is required",
        "{\"sessionId\":\"s-1\",\"event\":\"barge_in\",\"transcript\":\"x\",\"timestamp\":1}|confidence is required",
        "{\"sessionId\":\"s-1\",\"event\":\"barge_in\",\"confidence\":1.5,\"transcript\":\"x\",\"timestamp\":1}|confidence must be less than or equal to 1.0",
        "{\"sessionId\":\"s-1\",\"event\":\"barge_in\",\"confidence\":-0.1,\"transcript\":\"x\",\"timestamp\":1}|confidence must be greater than or equal to 0.0",
        "{\"sessionId\":\"s-1\",\"event\":\"barge_in\",\"confidence\":0.9,\"timestamp\":1}|transcript is required",
        "{\"sessionId\":\"s-1\",\"event\":\"barge_in\",\"confidence\":0.9,\"transcript\":null,\"timestamp\":1}|transcript is required",
        "{\"sessionId\":\"s-1\",\"event\":\"barge_in\",\"confidence\":0.9,\"transcript\":\"x\"}|timestamp is required",
        "{\"sessionId\":\"s-1\",\"event\":\"barge_in\",\"confidence\":0.9,\"transcript\":\"x\",\"timestamp\":1.5}|timestamp must be an integer",
        "{\"sessionId\":\"s-1\",\"event\":\"barge_in\",\"confidence\":0.9,\"transcript\":\"x\",\"timestamp\":\"1\"}|timestamp must be an integer",
        "{\"sessionId\":\"s-1\",\"event\":true,\"confidence\":0.9,\"transcript\":\"x\",\"timestamp\":1}|event must be a string",
        "[{\"sessionId\":\"s-1\",\"event\":\"barge_in\",\"confidence\":0.9,\"transcript\":\"x\",\"timestamp\":1}]|body must be a JSON object",
        "{\"sessionId\":\"s-1\",|body is not valid JSON",
        "not json|body is not valid JSON",
        "null|body must be a JSON object",
        "42|body must be a JSON object",
        "{\"sessionId\":\"..\",\"event\":\"barge_in\",\"confidence\":0.9,\"transcript\":\"x\",\"timestamp\":1}|sessionId must not be '.' or '..'",
        "{\"sessionId\":\".\",\"event\":\"barge_in\",\"confidence\":0.9,\"transcript\":\"x\",\"timestamp\":1}|sessionId must not be '.' or '..'",
    })
    void invalidPayloadIs422AndCallsNothing(String body, String problem) {
        HttpResponse<String> answer = postJson(WEBHOOK, body);

        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(answer.body()).isEqualTo("{\"error\":\"Invalid payload: " + problem + "\"}");
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    @Test
    void emptyBodyIs422() {
        HttpResponse<String> answer = postJson(WEBHOOK, "");

        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(answer.body()).startsWith("{\"error\":\"Invalid payload: ");
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "PUT", "DELETE", "PATCH"})
    void otherMethodsAre405(String method) {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(url(WEBHOOK))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(sample("barge-in-confident.json"))));

        assertThat(answer.statusCode()).isEqualTo(405);
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest(name = "sessionId {0} is sent as {1}")
    @CsvSource(delimiter = '|', value = {
        "x/../../admin|x%2F..%2F..%2Fadmin",
        "x?admin=1|x%3Fadmin%3D1",
        "a%2Fb|a%252Fb",
        "a b|a%20b",
        "x#frag|x%23frag",
        "...|...",
        "sess_8f3a2b1c|sess_8f3a2b1c",
    })
    void sessionIdIsExactlyOneEncodedPathSegment(String sessionId, String segment) {
        cognigyAnswersCommands();

        HttpResponse<String> answer = postJson(WEBHOOK, event(sessionId, "0.9"));

        assertThat(answer.statusCode()).isEqualTo(200);
        List<LoggedRequest> calls = cognigy.findAll(anyRequestedFor(anyUrl()));
        assertThat(calls).extracting(LoggedRequest::getUrl).containsExactly(
                LOGIN, "/api/v1/sessions/" + segment + "/voice/commands", "/api/v1/sessions/" + segment + "/variables");
        cognigy.verify(postRequestedFor(urlEqualTo("/api/v1/sessions/" + segment + "/voice/commands"))
                .withRequestBody(equalToJson("{\"command\":\"stop\",\"reason\":\"user_interrupt\",\"sessionId\":\""
                        + sessionId + "\"}")));
    }

    @Test
    void inboundHeadersNeverReachCognigy() {
        cognigyAnswersCommands();

        HttpResponse<String> answer = send(HttpRequest.newBuilder(url(WEBHOOK))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer caller-token")
                .header("X-Caller-Secret", "do-not-forward")
                .header("CamelHttpUri", "http://127.0.0.1:1/elsewhere")
                .header("CamelHttpPath", "/elsewhere")
                .POST(HttpRequest.BodyPublishers.ofString(sample("barge-in-confident.json"))));

        assertThat(answer.statusCode()).isEqualTo(200);
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(ABORT))
                .withHeader("Authorization", equalTo("Bearer t-1"))
                .withHeader("X-Caller-Secret", absent()));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(VARIABLES))
                .withHeader("Authorization", equalTo("Bearer t-1"))
                .withHeader("X-Caller-Secret", absent()));
    }

    // --- failures after the retry policy is spent ---

    @Test
    void cognigy401AfterOneRefreshAndOneRetryIsAuthenticationFailed() {
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(aResponse().withStatus(401)));
        cognigy.stubFor(post(urlEqualTo(VARIABLES)).willReturn(okJson(UPDATED)));

        HttpResponse<String> answer = postJson(WEBHOOK, sample("barge-in-confident.json"));

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).isEqualTo("{\"error\":\"Authentication failed\"}");
        cognigy.verify(exactly(2), postRequestedFor(urlEqualTo(LOGIN)));
        cognigy.verify(exactly(2), postRequestedFor(urlEqualTo(ABORT)).withRequestBody(equalTo(STOP_BODY)));
        // the failed stop is dead-lettered; the state reset is still sent on its own
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(VARIABLES)));
    }

    @Test
    void loginRefusedIsAuthenticationFailed() {
        cognigy.stubFor(post(urlEqualTo(LOGIN)).willReturn(aResponse().withStatus(401)));

        HttpResponse<String> answer = postJson(WEBHOOK, sample("barge-in-confident.json"));

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).isEqualTo("{\"error\":\"Authentication failed\"}");
        // each command tries its own login, and neither is sent without a token
        cognigy.verify(exactly(2), postRequestedFor(urlEqualTo(LOGIN)));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(ABORT)));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(VARIABLES)));
    }

    @Test
    void stopFailingForGoodStillResetsTheStateAndAnswersTheStopsFailure() {
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(aResponse().withStatus(503)));
        cognigy.stubFor(post(urlEqualTo(VARIABLES)).willReturn(okJson(UPDATED)));

        HttpResponse<String> answer = postJson(WEBHOOK, event("sess_8f3a2b1c", "0.9"));

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).isEqualTo("{\"error\":\"API error 503\"}");
        cognigy.verify(exactly(4), postRequestedFor(urlEqualTo(ABORT)));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(VARIABLES))
                .withRequestBody(equalToJson("{\"variables\":[{\"key\":\"cx.barage_in_detected\",\"value\":true},"
                        + "{\"key\":\"cx.current_intent\",\"value\":\"\"},{\"key\":\"cx.partial_transcript\",\"value\":\"\"},"
                        + "{\"key\":\"cx.flow_state\",\"value\":\"interrupt_recover\"},"
                        + "{\"key\":\"cx.interrupt_confidence\",\"value\":0.9}]}")));
    }

    @Test
    void stopFailingForALowConfidenceInterruptSendsNoReset() {
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(aResponse().withStatus(404)));

        HttpResponse<String> answer = postJson(WEBHOOK, event("sess_8f3a2b1c", "0.4"));

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).isEqualTo("{\"error\":\"API error 404\"}");
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(VARIABLES)));
    }

    @Test
    void cognigy403IsInsufficientPermissionsWithoutRetry() {
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(aResponse().withStatus(403)));

        HttpResponse<String> answer = postJson(WEBHOOK, sample("barge-in-confident.json"));

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).isEqualTo("{\"error\":\"Insufficient permissions\"}");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(ABORT)));
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 404, 409, 422})
    void otherClientErrorsAreApiErrorsWithoutRetry(int status) {
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(aResponse().withStatus(status)));

        HttpResponse<String> answer = postJson(WEBHOOK, sample("barge-in-confident.json"));

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).isEqualTo("{\"error\":\"API error " + status + "\"}");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(ABORT)));
    }

    @Test
    void failedStateResetIsAnApiErrorAfterTheStop() {
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(okJson(STOPPED)));
        cognigy.stubFor(post(urlEqualTo(VARIABLES)).willReturn(aResponse().withStatus(404)));

        HttpResponse<String> answer = postJson(WEBHOOK, sample("barge-in-confident.json"));

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).isEqualTo("{\"error\":\"API error 404\"}");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(ABORT)));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(VARIABLES)));
    }

    @Test
    void persistent500IsApiErrorAfterFourAttempts() {
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(aResponse().withStatus(500)));

        HttpResponse<String> answer = postJson(WEBHOOK, sample("barge-in-confident.json"));

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).isEqualTo("{\"error\":\"API error 500\"}");
        cognigy.verify(exactly(4), postRequestedFor(urlEqualTo(ABORT)).withRequestBody(equalTo(STOP_BODY)));
    }

    @Test
    void connectionResetIsNetworkFailure() {
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        HttpResponse<String> answer = postJson(WEBHOOK, sample("barge-in-confident.json"));

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).isEqualTo("{\"error\":\"Network failure\"}");
        cognigy.verify(exactly(4), postRequestedFor(urlEqualTo(ABORT)));
    }

    @Test
    void slowCognigyIsRetriedUntilTheBudgetIsSpent() {
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(okJson(STOPPED).withFixedDelay(1500)));

        HttpResponse<String> answer = postJson(WEBHOOK, sample("barge-in-confident.json"));

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).isEqualTo("{\"error\":\"Timeout: Cognigy did not acknowledge within the 2500 ms budget\"}");
        // 1 s read timeouts and 100, 200 ms waits inside a 2.35 s deadline: two attempts, a third only if the first came early
        assertThat(cognigy.findAll(postRequestedFor(urlEqualTo(ABORT)))).hasSizeBetween(2, 3);
    }

    @Test
    void emptyResponseIsNetworkFailure() {
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));

        HttpResponse<String> answer = postJson(WEBHOOK, sample("barge-in-confident.json"));

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).isEqualTo("{\"error\":\"Network failure\"}");
    }

    @Test
    void unexpectedFailureIs500WithoutDetails() throws Exception {
        cognigyAnswersCommands();
        AdviceWith.adviceWith(context, "cognigy-reset-state",
                route -> route.weaveAddFirst().throwException(new IllegalStateException("boom " + CLIENT_SECRET)));

        HttpResponse<String> answer = postJson(WEBHOOK, sample("barge-in-confident.json"));

        assertThat(answer.statusCode()).isEqualTo(500);
        assertThat(answer.body()).isEqualTo("{\"error\":\"Internal processing error\"}");
    }

    @Test
    void anUnexpectedFailureIsLoggedByClassAndPlaceWithoutItsMessage() throws Exception {
        cognigyAnswersCommands();
        AdviceWith.adviceWith(context, "cognigy-reset-state",
                route -> route.weaveAddFirst().throwException(new IllegalStateException("boom " + CLIENT_SECRET)));

        try (LogCapture logs = LogCapture.open()) {
            assertThat(postJson(WEBHOOK, sample("barge-in-confident.json")).statusCode()).isEqualTo(500);

            assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                    .contains("unexpected failure java.lang.IllegalStateException at "));
            assertThat(logs.lines()).noneSatisfy(line -> assertThat(line).containsAnyOf(CLIENT_SECRET, "boom", "\tat "));
        }
    }

    // --- redelivery ---

    @Test
    void rateLimitedCallIsRetriedAfterRetryAfterWithTheSameBody() {
        cognigy.stubFor(post(urlEqualTo(ABORT)).inScenario("rate").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("open"));
        cognigy.stubFor(post(urlEqualTo(ABORT)).inScenario("rate").whenScenarioStateIs("open").willReturn(okJson(STOPPED)));
        cognigy.stubFor(post(urlEqualTo(VARIABLES)).willReturn(okJson(UPDATED)));

        HttpResponse<String> answer = postJson(WEBHOOK, sample("barge-in-confident.json"));

        assertThat(answer.statusCode()).isEqualTo(200);
        List<LoggedRequest> aborts = cognigy.findAll(postRequestedFor(urlEqualTo(ABORT)));
        assertThat(aborts).hasSize(2);
        assertThat(aborts.get(1).getBodyAsString()).isEqualTo(aborts.get(0).getBodyAsString()).isEqualTo(STOP_BODY);
        assertThat(aborts.get(1).getLoggedDate().getTime() - aborts.get(0).getLoggedDate().getTime())
                .isGreaterThanOrEqualTo(950);
    }

    @Test
    void retryAfterLongerThanTheLongestWaitIsNotRetried() {
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")));

        HttpResponse<String> answer = postJson(WEBHOOK, sample("barge-in-confident.json"));

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).isEqualTo("{\"error\":\"API error 429\"}");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(ABORT)));
    }

    @Test
    void unavailableThenSuccessIsRetriedWithBackoff() {
        cognigy.stubFor(post(urlEqualTo(ABORT)).inScenario("503").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        cognigy.stubFor(post(urlEqualTo(ABORT)).inScenario("503").whenScenarioStateIs("up").willReturn(okJson(STOPPED)));
        cognigy.stubFor(post(urlEqualTo(VARIABLES)).willReturn(okJson(UPDATED)));

        HttpResponse<String> answer = postJson(WEBHOOK, sample("barge-in-confident.json"));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains(STOPPED);
        List<LoggedRequest> aborts = cognigy.findAll(postRequestedFor(urlEqualTo(ABORT)));
        assertThat(aborts).hasSize(2).allSatisfy(r -> assertThat(r.getBodyAsString()).isEqualTo(STOP_BODY));
        assertThat(aborts.get(1).getLoggedDate().getTime() - aborts.get(0).getLoggedDate().getTime())
                .isGreaterThanOrEqualTo(90);
    }

    @Test
    void everyCommandCarriesAnIdempotencyKeyThatRetriesRepeat() {
        cognigy.stubFor(post(urlEqualTo(ABORT)).inScenario("503").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        cognigy.stubFor(post(urlEqualTo(ABORT)).inScenario("503").whenScenarioStateIs("up").willReturn(okJson(STOPPED)));
        cognigy.stubFor(post(urlEqualTo(VARIABLES)).willReturn(okJson(UPDATED)));

        postJson(WEBHOOK, sample("barge-in-confident.json"));

        List<LoggedRequest> aborts = cognigy.findAll(postRequestedFor(urlEqualTo(ABORT)));
        String abortKey = aborts.get(0).getHeader("Idempotency-Key");
        String resetKey = cognigy.findAll(postRequestedFor(urlEqualTo(VARIABLES))).get(0).getHeader("Idempotency-Key");
        assertThat(abortKey).matches("[0-9a-f]{32}");
        assertThat(aborts).extracting(r -> r.getHeader("Idempotency-Key")).containsExactly(abortKey, abortKey);
        assertThat(resetKey).matches("[0-9a-f]{32}").isNotEqualTo(abortKey);
    }

    @Test
    void aLoginRetryNamesTheLoginAndTheSessionWaitingForIt() {
        cognigyAnswersCommands();
        cognigy.stubFor(post(urlEqualTo(LOGIN)).inScenario("login").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        cognigy.stubFor(post(urlEqualTo(LOGIN)).inScenario("login").whenScenarioStateIs("up")
                .willReturn(okJson("{\"accessToken\":\"t-1\",\"expiresIn\":3600}")));

        try (LogCapture logs = LogCapture.open()) {
            assertThat(postJson(WEBHOOK, sample("barge-in-confident.json")).statusCode()).isEqualTo(200);

            assertThat(logs.lines()).filteredOn(line -> line.startsWith("retry "))
                    .singleElement().asString()
                    .startsWith("retry 1 of cognigy-login for session \"sess_8f3a2b1c\" after HTTP 503, correlationId=");
        }
        cognigy.verify(exactly(2), postRequestedFor(urlEqualTo(LOGIN)));
    }

    // --- token processor ---

    @Test
    void revokedTokenIsReplacedByOneLoginAndOneRetry() {
        cognigy.stubFor(post(urlEqualTo(LOGIN)).inScenario("login").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"accessToken\":\"t-1\",\"expiresIn\":3600}")).willSetStateTo("second"));
        cognigy.stubFor(post(urlEqualTo(LOGIN)).inScenario("login").whenScenarioStateIs("second")
                .willReturn(okJson("{\"accessToken\":\"t-2\",\"expiresIn\":3600}")));
        cognigy.stubFor(post(urlEqualTo(ABORT)).withHeader("Authorization", equalTo("Bearer t-1"))
                .willReturn(aResponse().withStatus(401)));
        cognigy.stubFor(post(urlEqualTo(ABORT)).withHeader("Authorization", equalTo("Bearer t-2")).willReturn(okJson(STOPPED)));
        cognigy.stubFor(post(urlEqualTo(VARIABLES)).willReturn(okJson(UPDATED)));

        HttpResponse<String> answer = postJson(WEBHOOK, sample("barge-in-confident.json"));

        assertThat(answer.statusCode()).isEqualTo(200);
        cognigy.verify(exactly(2), postRequestedFor(urlEqualTo(LOGIN)));
        List<LoggedRequest> aborts = cognigy.findAll(postRequestedFor(urlEqualTo(ABORT)));
        assertThat(aborts).extracting(r -> r.getHeader("Authorization")).containsExactly("Bearer t-1", "Bearer t-2");
        assertThat(aborts).allSatisfy(r -> assertThat(r.getBodyAsString()).isEqualTo(STOP_BODY));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(VARIABLES)).withHeader("Authorization", equalTo("Bearer t-2")));
    }

    @Test
    void concurrentRequestsOnAnExpiredTokenShareOneLogin() throws Exception {
        cognigyAnswersCommands();
        // a token with no more than the 30 s margin left is expired on arrival
        cognigy.stubFor(post(urlEqualTo(LOGIN)).willReturn(okJson("{\"accessToken\":\"t-0\",\"expiresIn\":30}")));
        assertThat(postJson(WEBHOOK, sample("barge-in-low-confidence.json")).statusCode()).isEqualTo(200);
        cognigy.resetRequests();
        cognigy.stubFor(post(urlEqualTo(LOGIN))
                .willReturn(okJson("{\"accessToken\":\"t-1\",\"expiresIn\":3600}").withFixedDelay(300)));

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String interrupt = sample("barge-in-low-confidence.json").replace("1718452903456", "17184529020" + i);
                answers.add(CompletableFuture.supplyAsync(() -> postJson(WEBHOOK, interrupt), pool));
            }
            for (CompletableFuture<HttpResponse<String>> a : answers) {
                assertThat(a.get().statusCode()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }

        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(LOGIN)));
        cognigy.verify(exactly(8), postRequestedFor(urlEqualTo(ABORT)).withHeader("Authorization", equalTo("Bearer t-1")));
    }
}
