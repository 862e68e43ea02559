package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM to the real process: in-flight webhooks finish, records are on disk, then it exits. */
class GracefulShutdownTest {

    @RegisterExtension
    static final WireMockExtension cognigy = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private final HttpClient http = HttpClient.newHttpClient();
    /** Record and dead-letter folders of the instances started here: JUnit deletes them after each test. */
    @TempDir
    Path temp;


    @Test
    void sigtermFinishesInFlightWebhooksFlushesRecordsThenExits() throws Exception {
        cognigy.stubFor(post(urlEqualTo("/api/v1/auth/login")).willReturn(okJson("{\"accessToken\":\"t-1\",\"expiresIn\":3600}")));
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(okJson("{\"success\":true}").withFixedDelay(1200)));
        cognigy.stubFor(post(urlPathMatching(".*/variables")).willReturn(okJson("{\"updatedVariables\":5}")));
        int port = WebhookTestSupport.freePort();
        Path acoustic = Files.createTempDirectory(temp, "acoustic-");
        Path deadLetters = Files.createTempDirectory(temp, "dead-letter-");
        Path log = Files.createTempFile(temp, "service-", ".log");

        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"),
                Application.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("PORT", String.valueOf(port));
        env.put("COGNIGY_BASE_URL", cognigy.baseUrl());
        env.put("COGNIGY_CLIENT_ID", "id");
        env.put("COGNIGY_CLIENT_SECRET", "secret");
        env.put("COGNIGY_API_KEY", "key");
        env.put("ACOUSTIC_DIR", acoustic.toString());
        env.put("DEAD_LETTER_DIR", deadLetters.toString());
        env.put("INSTANCE_NAME", "shutdown-test");
        Process service = builder.start();
        try {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> call(port, "/webhook", "{}", "wrong-key").statusCode() == 401);

            assertThat(call(port, "/webhook", "{\"sessionId\":\"rec-1\",\"flowId\":\"f\",\"asr\":{\"confidence\":0.9}}", "key")
                    .statusCode()).isEqualTo(200);
            CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> call(port,
                    "/webhook/cognigy/barge-in", "{\"sessionId\":\"s-1\",\"event\":\"barge_in\",\"confidence\":0.9,"
                            + "\"transcript\":\"t\",\"timestamp\":1}", null));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    !cognigy.findAll(postRequestedFor(urlPathMatching(".*/voice/commands"))).isEmpty());

            service.destroy(); // SIGTERM

            HttpResponse<String> answer = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).startsWith("{\"status\":\"processed\"");
            assertThat(service.waitFor(30, TimeUnit.SECONDS)).as("the service exits").isTrue();
            cognigy.verify(postRequestedFor(urlEqualTo("/api/v1/sessions/s-1/variables")));
            try (Stream<Path> files = Files.list(acoustic)) {
                // the record file, beside the writers' lock .acoustic-records.lock
                List<Path> records = files.filter(f -> !f.getFileName().toString().startsWith(".")).toList();
                assertThat(records).singleElement().satisfies(f -> assertThat(Files.readString(f)).contains("\"rec-1\""));
            }
            assertThat(Files.readString(log)).contains("shutdown");
            assertThat(catchConnect(port)).as("nothing listens any more").isTrue();
        } finally {
            service.destroyForcibly();
        }
    }

    private boolean catchConnect(int port) {
        try {
            call(port, "/webhook", "{}", "key");
            return false;
        } catch (IllegalStateException e) {
            return e.getCause() instanceof ConnectException;
        }
    }

    private HttpResponse<String> call(int port, String path, String body, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("X-Cognigy-API-Key", key);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
