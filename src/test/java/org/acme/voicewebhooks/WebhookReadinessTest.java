package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ready only while both webhook routes run and every step has a route to call; liveness does not depend on them.
 */
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

    @Test
    void aStepCallingARouteThatDoesNotExistFailsAtOnceAndReadinessNamesIt() throws Exception {
        assertReady();
        // a typo saved under live reload: valid YAML, and a route that never comes
        String saved = Files.readString(Path.of("routes/barge-in-webhook.camel.yaml"))
                .replaceAll("(- to:\\s+uri: )direct:cognigy-abort-tts\\b", "$1direct:cognigy-abort-ttz");
        assertThat(saved).contains("direct:cognigy-abort-ttz");
        PluginHelper.getRoutesLoader(context)
                .updateRoutes(List.of(ResourceHelper.fromString("barge-in-webhook.camel.yaml", saved)));

        long sent = System.nanoTime();
        HttpResponse<String> answer = postJson("/webhook/cognigy/barge-in", sample("barge-in-confident.json"));
        Duration took = Duration.ofNanos(System.nanoTime() - sent);

        assertThat(answer.statusCode()).isEqualTo(500);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(answer.body()).isEqualTo("{\"error\":\"Internal processing error\"}");
        assertThat(took).isLessThan(Duration.ofMillis(2500));
        cognigy.verify(exactly(0), anyRequestedFor(urlMatching("/api/v1/sessions/.*")));
        assertNotReadyNaming("direct:cognigy-abort-ttz (in barge-in-webhook)");

        // the typo fixed and saved again: ready at once
        PluginHelper.getRoutesLoader(context).updateRoutes(List.of(ResourceHelper.fromString("barge-in-webhook.camel.yaml",
                Files.readString(Path.of("routes/barge-in-webhook.camel.yaml")))));
        assertReady();
    }
}
