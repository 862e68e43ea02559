package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

/** The webhook's time budget, and the dead-letter store that keeps what Cognigy never acknowledged. */
class DeadlineAndDeadLetterTest extends WebhookTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ABORT = "/api/v1/sessions/sess_8f3a2b1c/voice/commands";
    private static final String VARIABLES = "/api/v1/sessions/sess_8f3a2b1c/variables";
    private static final String MESSAGES = "/api/v1/flows/flow-billing/sessions/sess_41c2/messages";
    private static final long BUDGET_MS = 2500;
    private static final long MARGIN_MS = 400;

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        // a read timeout longer than the budget: only the budget can cut the call short
        p.setProperty("cognigy.read-timeout-ms", "10000");
        return p;
    }

    private List<JsonNode> deadLetters() {
        List<JsonNode> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(deadLetterDir)) {
            for (Path file : files.toList()) {
                assertThat(file.getFileName().toString()).matches("dead-letters-\\d{4}-\\d{2}-\\d{2}-test-instance\\.jsonl");
                for (String line : Files.readAllLines(file)) {
                    entries.add(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    private HttpResponse<String> timed(HttpRequest.Builder request, long[] elapsedMs) {
        long start = System.nanoTime();
        HttpResponse<String> answer = send(request);
        elapsedMs[0] = (System.nanoTime() - start) / 1_000_000;
        return answer;
    }

    @Test
    void hangingCognigyIsAnsweredWithinTheBudgetAndDeadLettered() {
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(okJson("{}").withFixedDelay(7000)));
        long[] elapsed = new long[1];

        HttpResponse<String> answer = timed(HttpRequest.newBuilder(url("/webhook/cognigy/barge-in"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(sample("barge-in-confident.json"))), elapsed);

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).isEqualTo("{\"error\":\"Timeout: Cognigy did not acknowledge within the 2500 ms budget\"}");
        assertThat(elapsed[0]).isLessThan(BUDGET_MS + MARGIN_MS);
        List<JsonNode> entries = deadLetters();
        // the stop used up the budget; the state reset, with no time left to send it, is dead-lettered unsent
        assertThat(entries).extracting(e -> e.get("command").asText())
                .containsExactlyInAnyOrder("cognigy-abort-tts", "cognigy-reset-state");
        JsonNode reset = entries.stream().filter(e -> e.get("command").asText().equals("cognigy-reset-state")).findFirst().orElseThrow();
        assertThat(reset.get("attempts").asInt()).isZero();
        assertThat(reset.get("error").asText()).isEqualTo("BudgetSpentException");
        cognigy.verify(0, postRequestedFor(urlEqualTo(VARIABLES)));
        JsonNode entry = entries.stream().filter(e -> e.get("command").asText().equals("cognigy-abort-tts")).findFirst().orElseThrow();
        assertThat(entry.get("webhook").asText()).isEqualTo("barge-in-webhook");
        assertThat(entry.get("command").asText()).isEqualTo("cognigy-abort-tts");
        assertThat(entry.get("sessionId").asText()).isEqualTo("sess_8f3a2b1c");
        assertThat(entry.get("method").asText()).isEqualTo("POST");
        assertThat(entry.get("url").asText()).isEqualTo(cognigy.baseUrl() + ABORT);
        assertThat(entry.get("body").toString())
                .isEqualTo("{\"command\":\"stop\",\"reason\":\"user_interrupt\",\"sessionId\":\"sess_8f3a2b1c\"}");
        assertThat(entry.get("error").asText()).contains("SocketTimeoutException");
        assertThat(entry.get("attempts").asInt()).isEqualTo(1);
        assertThat(entry.get("correlationId").asText()).isNotBlank();
        assertThat(entry.get("id").asText()).isNotBlank();
        assertThat(entry.get("time").asText()).endsWith("Z");
    }

    @Test
    void retryAfterLongerThanWhatRemainsMeansNoRetry() {
        cognigy.stubFor(post(urlEqualTo(MESSAGES)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")
                .withFixedDelay(1000)));

        HttpResponse<String> answer = send(HttpRequest.newBuilder(url("/webhook"))
                .header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(sample("asr-low-confidence.json"))));

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).isEqualTo("{\"error\":\"API error 429\"}");
        assertThat(cognigy.findAll(postRequestedFor(urlEqualTo(MESSAGES)))).hasSize(1);
        JsonNode entry = deadLetters().get(0);
        assertThat(entry.get("command").asText()).isEqualTo("cognigy-clarify");
        assertThat(entry.get("auth").asText()).isEqualTo("api-key");
        assertThat(entry.get("lastStatus").asInt()).isEqualTo(429);
        assertThat(entry.get("body").toString()).isEqualTo("{\"message\":\"repeat\",\"source\":\"asr_webhook\"}");
    }

    @Test
    void everyFinallyFailedCommandIsDeadLetteredOnceWithoutSecretsAndCounted() throws IOException {
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(aResponse().withStatus(503)));
        cognigy.stubFor(post(urlEqualTo(VARIABLES)).willReturn(okJson("{}")));

        try (LogCapture logs = LogCapture.open()) {
            HttpResponse<String> answer = postJson("/webhook/cognigy/barge-in", sample("barge-in-confident.json"));

            assertThat(answer.statusCode()).isEqualTo(502);
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("dead-lettered")).hasSize(1)
                    .allSatisfy(l -> assertThat(l).contains("\"sess_8f3a2b1c\"").doesNotContain("user_interrupt"));
        }
        JsonNode entry = deadLetters().get(0);
        assertThat(entry.get("attempts").asInt()).isEqualTo(4);
        assertThat(entry.get("lastStatus").asInt()).isEqualTo(503);
        assertThat(entry.get("error").asText()).isEqualTo("HTTP 503");
        String store;
        try (Stream<Path> files = Files.list(deadLetterDir)) {
            store = Files.readString(files.findFirst().orElseThrow());
        }
        assertThat(store).doesNotContain(CLIENT_SECRET, "t-1", COGNIGY_API_KEY, "Bearer");
        MeterRegistry metrics = context.getRegistry().findSingleByType(MeterRegistry.class);
        assertThat(metrics.get("webhooks.dead.letters").tag("command", "cognigy-abort-tts").counter().count()).isEqualTo(1.0);
    }

    @Test
    void stopAndResetFailingBothAreDeadLetteredAndTheStopsFailureAnswered() {
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(aResponse().withStatus(404)));
        cognigy.stubFor(post(urlEqualTo(VARIABLES)).willReturn(aResponse().withStatus(400)));

        HttpResponse<String> answer = postJson("/webhook/cognigy/barge-in", sample("barge-in-confident.json"));

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).isEqualTo("{\"error\":\"API error 404\"}");
        assertThat(deadLetters()).extracting(e -> e.get("command").asText() + " " + e.get("lastStatus").asInt())
                .containsExactlyInAnyOrder("cognigy-abort-tts 404", "cognigy-reset-state 400");
    }

    @Test
    void acknowledgedCommandsLeaveNoDeadLetter() {
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(okJson("{}")));
        cognigy.stubFor(post(urlEqualTo("/api/v1/sessions/sess_8f3a2b1c/variables")).willReturn(okJson("{}")));

        assertThat(postJson("/webhook/cognigy/barge-in", sample("barge-in-confident.json")).statusCode()).isEqualTo(200);

        assertThat(deadLetters()).isEmpty();
    }
}
