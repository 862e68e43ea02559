package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Health, the service's own metrics next to Camel's, and one outcome line per webhook. */
class ObservabilityTest extends WebhookTestSupport {

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(url(path)).GET());
    }

    @Test
    void livenessAndReadinessAreUp() {
        HttpResponse<String> live = get("/observe/health/live");
        HttpResponse<String> ready = get("/observe/health/ready");

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).contains("UP");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("UP");
    }

    @Test
    void metricsShowTheServicesOwnCountersAfterWebhooks() {
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(okJson("{}")));
        cognigy.stubFor(post(urlPathMatching(".*/variables")).willReturn(okJson("{}")));
        cognigy.stubFor(post(urlPathMatching(".*/messages")).willReturn(aResponse().withStatus(503)));

        postJson("/webhook/cognigy/barge-in", sample("barge-in-confident.json"));
        postJson("/webhook/cognigy/barge-in", sample("barge-in-confident.json"));
        postJson("/webhook/cognigy/barge-in", sample("barge-in-invalid.json"));
        send(HttpRequest.newBuilder(url("/webhook")).header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(sample("asr-low-confidence.json"))));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(get("/observe/metrics").body())
                .contains("webhooks_total{outcome=\"processed\",status=\"200\",webhook=\"barge-in-webhook\"} 1.0")
                .contains("webhooks_total{outcome=\"duplicate\",status=\"200\",webhook=\"barge-in-webhook\"} 1.0")
                .contains("webhooks_total{outcome=\"rejected\",status=\"422\",webhook=\"barge-in-webhook\"} 1.0")
                .contains("webhooks_total{outcome=\"failed\",status=\"502\",webhook=\"asr-confidence-webhook\"} 1.0")
                .contains("webhooks_duplicates_suppressed_total{webhook=\"barge-in-webhook\"} 1.0")
                .contains("cognigy_calls_seconds_bucket{endpoint=\"cognigy-abort-tts\",status=\"200\"")
                .contains("cognigy_calls_seconds_count{endpoint=\"cognigy-clarify\",status=\"503\"} 4")
                .contains("cognigy_retries_total{endpoint=\"cognigy-clarify\"} 3.0")
                .contains("cognigy_logins_total{outcome=\"ok\"} 1.0")
                .containsPattern("webhooks_dead_letters_total\\{.*command=\"cognigy-clarify\".*} 1.0")
                .doesNotContain("outcome=\"passed_through\"")
                .contains("acoustic_records_total 1.0")
                .contains("acoustic_record_bytes_total")
                .contains("webhooks_answer_seconds_count{webhook=\"asr-confidence-webhook\"}")
                // Camel's own figures are there too
                .contains("camel_routes_running_routes"));
    }

    @Test
    void eachWebhookEndsInOneOutcomeLineWithItsSessionAndCorrelationId() {
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(okJson("{}")));
        try (LogCapture logs = LogCapture.open()) {
            postJson("/webhook/cognigy/barge-in", sample("barge-in-low-confidence.json"));

            await().atMost(Duration.ofSeconds(5)).until(() -> logs.lines().stream().anyMatch(l -> l.startsWith("barge-in-webhook ")));
            List<String> outcomes = logs.lines().stream().filter(l -> l.startsWith("barge-in-webhook ")).toList();
            assertThat(outcomes).singleElement().asString()
                    .startsWith("barge-in-webhook ignored status=200 session=\"sess_8f3a2b1c\" correlationId=");
        }
    }
}
