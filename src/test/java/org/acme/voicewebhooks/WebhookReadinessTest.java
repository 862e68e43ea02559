package org.acme.voicewebhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Ready only while both webhook routes run; liveness does not depend on them. */
class WebhookReadinessTest extends WebhookTestSupport {

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(url(path)).GET());
    }

    private void assertReady() {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            HttpResponse<String> ready = get("/observe/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"status\":\"UP\"");
        });
    }

    private void assertNotReadyNaming(String routeId) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            HttpResponse<String> ready = get("/observe/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"status\":\"DOWN\"").contains("webhook-routes").contains(routeId);
        });
        HttpResponse<String> live = get("/observe/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).contains("\"status\":\"UP\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"barge-in-webhook", "asr-confidence-webhook"})
    void notReadyWhileAWebhookRouteIsStoppedAndReadyAgainOnceItRuns(String routeId) throws Exception {
        assertReady();

        context.getRouteController().stopRoute(routeId);
        assertNotReadyNaming(routeId);

        context.getRouteController().startRoute(routeId);
        assertReady();
    }

    @Test
    void notReadyWhenAWebhookRouteIsGone() throws Exception {
        assertReady();

        context.getRouteController().stopRoute("barge-in-webhook");
        assertThat(context.removeRoute("barge-in-webhook")).isTrue();

        assertNotReadyNaming("barge-in-webhook");
        assertThat(postJson("/webhook/cognigy/barge-in", sample("barge-in-confident.json")).statusCode()).isEqualTo(404);
    }
}
