package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A delivery seen again repeats no side effect; hostile input gets its 4xx and leaves the service healthy. */
class DuplicatesAndLimitsTest extends WebhookTestSupport {

    private static final String BARGE_IN = "/webhook/cognigy/barge-in";
    private static final String ABORT = "/api/v1/sessions/sess_8f3a2b1c/voice/commands";
    private static final String VARIABLES = "/api/v1/sessions/sess_8f3a2b1c/variables";
    private static final String MESSAGES = "/api/v1/flows/flow-billing/sessions/sess_41c2/messages";
    private static final int COPIES = 40;

    /** An answer and when it arrived. */
    private record Timed(HttpResponse<String> answer, long at) {
    }

    private static CompletableFuture<Timed> timed(ExecutorService callers, Supplier<HttpResponse<String>> call) {
        return CompletableFuture.supplyAsync(() -> new Timed(call.get(), System.nanoTime()), callers);
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        // a 900 ms Cognigy answer stays one attempt on a busy machine
        p.setProperty("cognigy.read-timeout-ms", "2000");
        return p;
    }

    private void cognigyAcknowledges(int delayMs) {
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(okJson("{\"success\":true}").withFixedDelay(delayMs)));
        cognigy.stubFor(post(urlPathMatching(".*/variables")).willReturn(okJson("{\"updatedVariables\":5}")));
        cognigy.stubFor(post(urlPathMatching(".*/messages")).willReturn(aResponse().withStatus(201)));
    }

    private HttpResponse<String> postAsr(String body, String deliveryId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url("/webhook")).header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (deliveryId != null) {
            request.header("X-Delivery-Id", deliveryId);
        }
        return send(request);
    }

    private long records() {
        try (Stream<Path> files = Files.list(acousticDir)) {
            long lines = 0;
            for (Path file : files.toList()) {
                lines += Files.readAllLines(file).size();
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- duplicates ---

    @Test
    void bargeInDeliveredAgainGetsTheFirstAnswerAndRepeatsNoCommand() {
        cognigyAcknowledges(0);

        HttpResponse<String> first = postJson(BARGE_IN, sample("barge-in-confident.json"));
        HttpResponse<String> again = postJson(BARGE_IN, sample("barge-in-confident.json"));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(ABORT)));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(VARIABLES)));
    }

    @Test
    void bargeInWithAnotherTimestampIsANewInterrupt() {
        cognigyAcknowledges(0);

        postJson(BARGE_IN, sample("barge-in-confident.json"));
        postJson(BARGE_IN, sample("barge-in-confident.json").replace("1718452901234", "1718452909999"));

        cognigy.verify(exactly(2), postRequestedFor(urlEqualTo(ABORT)));
    }

    @Test
    void duplicateArrivingWhileTheFirstIsInFlightWaitsForItsAnswer() throws Exception {
        cognigyAcknowledges(400); // under the tests' read timeout

        CompletableFuture<HttpResponse<String>> first =
                CompletableFuture.supplyAsync(() -> postJson(BARGE_IN, sample("barge-in-confident.json")));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !cognigy.findAll(postRequestedFor(urlEqualTo(ABORT))).isEmpty());
        HttpResponse<String> again = postJson(BARGE_IN, sample("barge-in-confident.json"));

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.get().body()).contains("\"status\":\"processed\"");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(ABORT)));
    }

    @Test
    void copiesBeyondMaxWaitersGet409AtOnceAndLeaveWorkersToOtherWebhooks() throws Exception {
        cognigyAcknowledges(0);
        // warm the route and the Cognigy connection on another session, so the original's time is Cognigy's 2 x 900 ms
        assertThat(postJson(BARGE_IN, sample("barge-in-confident.json").replace("sess_8f3a2b1c", "sess_warm")).statusCode())
                .isEqualTo(200);
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(okJson("{\"success\":true}").withFixedDelay(900)));
        cognigy.stubFor(post(urlEqualTo(VARIABLES)).willReturn(okJson("{\"updatedVariables\":5}").withFixedDelay(900)));
        ExecutorService callers = Executors.newFixedThreadPool(COPIES + 2);
        try {
            CompletableFuture<Timed> original = timed(callers, () -> postJson(BARGE_IN, sample("barge-in-confident.json")));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> !cognigy.findAll(postRequestedFor(urlEqualTo(ABORT))).isEmpty());
            List<CompletableFuture<Timed>> copies = Stream.generate(() -> timed(callers,
                    () -> postJson(BARGE_IN, sample("barge-in-confident.json")))).limit(COPIES).toList();
            CompletableFuture<Timed> unrelated = timed(callers, () -> postAsr(sample("asr-high-confidence.json"), null));

            Timed first = original.get(10, TimeUnit.SECONDS);
            assertThat(first.answer().statusCode()).isEqualTo(200);
            assertThat(first.answer().body()).contains("\"status\":\"processed\"");
            assertThat(unrelated.get(10, TimeUnit.SECONDS).answer().statusCode()).isEqualTo(200);
            assertThat(unrelated.get().at()).isLessThan(first.at());
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (CompletableFuture<Timed> copy : copies) {
                answers.add(copy.get(10, TimeUnit.SECONDS).answer());
            }
            assertThat(answers).allSatisfy(answer -> {
                if (answer.statusCode() == 200) {
                    assertThat(answer.body()).isEqualTo(first.answer().body());
                } else {
                    assertThat(answer.statusCode()).isEqualTo(409);
                    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
                    assertThat(answer.body()).isEqualTo("{\"error\":\"Duplicate delivery in progress\"}");
                }
            });
            assertThat(answers).filteredOn(answer -> answer.statusCode() == 200).hasSizeLessThanOrEqualTo(2);
            cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(ABORT)));
            cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(VARIABLES)));
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aRetryOfAFailedDeliveryIsProcessedAgain() {
        cognigyAcknowledges(0);
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(aResponse().withStatus(400)));

        HttpResponse<String> failed = postJson(BARGE_IN, sample("barge-in-confident.json"));
        assertThat(failed.statusCode()).isEqualTo(502);
        int stopsSent = cognigy.findAll(postRequestedFor(urlEqualTo(ABORT))).size();
        assertThat(stopsSent).isPositive();

        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(okJson("{\"success\":true}")));
        HttpResponse<String> retry = postJson(BARGE_IN, sample("barge-in-confident.json"));

        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.body()).contains("\"status\":\"processed\"");
        cognigy.verify(exactly(stopsSent + 1), postRequestedFor(urlEqualTo(ABORT)));
    }

    @Test
    void asrBodyDeliveredAgainRepeatsNoClarificationAndNoRecord() {
        cognigyAcknowledges(0);

        HttpResponse<String> first = postAsr(sample("asr-low-confidence.json"), null);
        HttpResponse<String> again = postAsr(sample("asr-low-confidence.json"), null);
        // a different utterance afterwards: once its record is there, the duplicate's would be too
        postAsr(AsrConfidenceWebhookTest.utterance("marker", "f", "0.9"), null);

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body()).isEqualTo("{\"message\":\"low_confidence_routed\"}");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(MESSAGES)));
        await().atMost(Duration.ofSeconds(5)).until(() -> records() >= 2);
        assertThat(records()).isEqualTo(2);
    }

    @Test
    void asrDeliveryIdDecidesWhenTheCallerSendsOne() {
        cognigyAcknowledges(0);
        String body = sample("asr-low-confidence.json");

        postAsr(body, "delivery-1");
        postAsr(body, "delivery-2");
        postAsr(body.replace("0.42", "0.41"), "delivery-2");

        cognigy.verify(exactly(2), postRequestedFor(urlEqualTo(MESSAGES)));
    }

    // --- limits and hostile input ---

    @Test
    void bodyOverTheLimitIs413AndTheServiceStaysHealthy() {
        cognigyAcknowledges(0);
        String huge = "{\"sessionId\":\"s\",\"pad\":\"" + "x".repeat(1_100_000) + "\"}";

        HttpResponse<String> answer = postJson(BARGE_IN, huge);

        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(answer.body()).isEqualTo("{\"error\":\"Request body too large\"}");
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
        assertThat(postJson(BARGE_IN, sample("barge-in-confident.json")).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "nested arrays|barge-in|422",
        "nested arrays|asr|400",
        "confidence 1e999|barge-in|422",
        "confidence 1e999|asr|400",
        "timestamp 1e999|barge-in|422",
        "huge number|barge-in|422",
    })
    void hostileJsonGetsTheDocumentedStatus(String kind, String webhook, int status) {
        String body = switch (kind) {
            case "nested arrays" -> "[".repeat(100_000) + "]".repeat(100_000);
            case "confidence 1e999" -> webhook.equals("asr")
                    ? "{\"sessionId\":\"s\",\"flowId\":\"f\",\"asr\":{\"confidence\":1e999}}"
                    : "{\"sessionId\":\"s\",\"event\":\"e\",\"confidence\":1e999,\"transcript\":\"t\",\"timestamp\":1}";
            case "timestamp 1e999" -> "{\"sessionId\":\"s\",\"event\":\"e\",\"confidence\":0.9,\"transcript\":\"t\",\"timestamp\":1e999}";
            default -> "{\"sessionId\":\"s\",\"event\":\"e\",\"confidence\":0.9,\"transcript\":\"t\",\"timestamp\":"
                    + "9".repeat(5000) + "}";
        };

        HttpResponse<String> answer = webhook.equals("asr") ? postAsr(body, null) : postJson(BARGE_IN, body);

        assertThat(answer.statusCode()).isEqualTo(status);
        assertThat(answer.body()).startsWith("{\"error\":\"").doesNotContain("Exception", "at org.");
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[] prefix = "{\"sessionId\":\"s".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "\",\"event\":\"e\",\"confidence\":0.9,\"transcript\":\"t\",\"timestamp\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[prefix.length + 2 + suffix.length];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        body[prefix.length] = (byte) 0xC3;      // a lead byte
        body[prefix.length + 1] = (byte) 0x28;  // not a continuation byte
        System.arraycopy(suffix, 0, body, prefix.length + 2, suffix.length);

        HttpResponse<String> bargeIn = send(HttpRequest.newBuilder(url(BARGE_IN)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        HttpResponse<String> asr = send(HttpRequest.newBuilder(url("/webhook")).header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));

        assertThat(bargeIn.statusCode()).isEqualTo(422);
        assertThat(bargeIn.body()).isEqualTo("{\"error\":\"Invalid payload: sessionId has an invalid value\"}");
        assertThat(asr.statusCode()).isEqualTo(400);
        assertThat(asr.body()).isEqualTo("{\"error\":\"Invalid JSON payload\"}");
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    @Test
    void callerTextNeverForgesALogLine() {
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(aResponse().withStatus(503)));
        String forged = "s-1\\n2026-11-22 INFO barge-in processed session=\\\"admin\\\"\\r";
        List<String> lines = new ArrayList<>();

        try (LogCapture logs = LogCapture.open()) {
            postJson(BARGE_IN, "{\"sessionId\":\"" + forged + "\",\"event\":\"e\",\"confidence\":0.9,\"transcript\":\"t\","
                    + "\"timestamp\":1}");
            lines.addAll(logs.lines());
        }

        assertThat(lines).filteredOn(l -> l.contains("s-1")).isNotEmpty()
                .allSatisfy(l -> assertThat(l).doesNotContain("\n", "\r"))
                .anySatisfy(l -> assertThat(l).contains("\"s-1\\n2026"));
    }
}
