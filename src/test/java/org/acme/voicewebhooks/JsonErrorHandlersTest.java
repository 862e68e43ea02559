package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the HTTP server refuses itself, before any route runs, is answered with JSON like every other error. */
class JsonErrorHandlersTest extends WebhookTestSupport {

    private static final int MAX_BODY_BYTES = 4096;

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        p.setProperty("camel.server.max-body-size", String.valueOf(MAX_BODY_BYTES));
        p.setProperty("admin.api-key", "admin-key-1");
        return p;
    }

    private static void assertJsonError(HttpResponse<String> answer, int status, String error) {
        assertThat(answer.statusCode()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(answer.body()).isEqualTo("{\"error\":\"" + error + "\"}");
    }

    private static String bodyOf(int bytes) {
        String start = "{\"sessionId\":\"s\",\"pad\":\"";
        return start + "x".repeat(bytes - start.length() - 2) + "\"}";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/webhook/cognigy/barge-in", "/webhook"})
    void bodyOverTheLimitIsRefusedWithJson413(String path) {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(url(path)).header("Content-Type", "application/json")
                .header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(bodyOf(MAX_BODY_BYTES + 1))));

        assertJsonError(answer, 413, "Request body too large");
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    @Test
    void chunkedBodyOverTheLimitIsRefusedWithJson413() {
        byte[] body = bodyOf(MAX_BODY_BYTES * 4).getBytes(StandardCharsets.UTF_8);

        // no Content-Length: the limit is found while the body streams in
        HttpResponse<String> answer = send(HttpRequest.newBuilder(url("/webhook/cognigy/barge-in"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));

        assertJsonError(answer, 413, "Request body too large");
    }

    @Test
    void bodyWithinTheLimitStillReachesTheWebhook() {
        HttpResponse<String> answer = postJson("/webhook/cognigy/barge-in", "{\"sessionId\":\"s\"}");

        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "GET, /webhook/cognigy/barge-in, POST",
        "PUT, /webhook/cognigy/barge-in, POST",
        "DELETE, /webhook/cognigy/barge-in, POST",
        "GET, /webhook, POST",
        "PUT, /webhook, POST",
        "GET, /admin/dead-letters/replay, POST",
        "POST, /observe/health/ready, GET",
        "PUT, /observe/health/live, GET",
    })
    void otherMethodsGetJson405WithTheAllowedOnes(String method, String path, String allowed) {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(url(path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString("{}")));

        assertJsonError(answer, 405, "Method not allowed");
        assertThat(answer.headers().firstValue("Allow")).hasValue(allowed);
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    @Test
    void unknownPathGetsJson404() {
        HttpResponse<String> answer = postJson("/webhook/cognigy/no-such-hook", "{}");

        assertJsonError(answer, 404, "Not found");
    }
}
