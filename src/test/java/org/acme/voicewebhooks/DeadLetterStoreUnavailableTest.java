package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

/** A dead-letter store that cannot write: the webhook answers 503, never 200, and readiness goes down until it can. */
class DeadLetterStoreUnavailableTest extends WebhookTestSupport {

    private static final String ABORT = "/api/v1/sessions/sess_8f3a2b1c/voice/commands";
    private static final String VARIABLES = "/api/v1/sessions/sess_8f3a2b1c/variables";
    private Path blocker;

    /** A folder under a regular file: no one can create it, root included. */
    @Override
    protected Path deadLetterDir() {
        if (deadLetterDir == null) {
            try {
                blocker = Files.createTempFile(tempRoot, "not-a-folder-", ".txt");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            deadLetterDir = blocker.resolve("dead-letter");
        }
        return deadLetterDir;
    }

    private int readiness() {
        return send(HttpRequest.newBuilder(url("/observe/health/ready")).GET()).statusCode();
    }

    @Test
    void aCommandTheStoreCannotTakeIsAnswered503AndReadinessIsDownUntilItCanWrite() throws IOException {
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(aResponse().withStatus(503)));
        cognigy.stubFor(post(urlEqualTo(VARIABLES)).willReturn(okJson("{}")));
        assertThat(readiness()).isEqualTo(200);

        try (LogCapture logs = LogCapture.open()) {
            HttpResponse<String> answer = postJson("/webhook/cognigy/barge-in", sample("barge-in-confident.json"));

            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(answer.body()).isEqualTo("{\"error\":\"Dead-letter store unavailable\"}");
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("dead-letter store unavailable")).hasSize(1)
                    .allSatisfy(l -> assertThat(l).contains("cognigy-abort-tts", "\"sess_8f3a2b1c\"")
                            .doesNotContain("user_interrupt"));
            assertThat(logs.lines()).noneSatisfy(l -> assertThat(l).startsWith("dead-lettered"));
        }
        MeterRegistry metrics = context.getRegistry().findSingleByType(MeterRegistry.class);
        assertThat(metrics.get("webhooks.dead.letters.failed").tag("command", "cognigy-abort-tts").counter().count())
                .isEqualTo(1.0);
        HttpResponse<String> ready = send(HttpRequest.newBuilder(url("/observe/health/ready")).GET());
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("dead-letter-store").contains("DOWN");
        assertThat(send(HttpRequest.newBuilder(url("/observe/health/live")).GET()).statusCode()).isEqualTo(200);

        // the volume is mended: readiness comes back by itself and failed commands are kept again
        Files.delete(blocker);
        Files.createDirectories(deadLetterDir);
        await().atMost(Duration.ofSeconds(10)).until(() -> readiness() == 200);
        HttpResponse<String> again = postJson("/webhook/cognigy/barge-in",
                sample("barge-in-confident.json").replace("1718452901234", "1718452909999"));
        assertThat(again.statusCode()).isEqualTo(502);
        try (var files = Files.list(deadLetterDir)) {
            assertThat(files.toList()).hasSize(1);
        }
    }
}
