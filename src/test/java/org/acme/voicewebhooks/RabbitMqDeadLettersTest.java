package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** DEAD_LETTER_STORE=rabbitmq: a quorum queue several instances share, replayed from any of them, the files as fallback. */
class RabbitMqDeadLettersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_KEY = "admin-test-key";
    private static final String STOP_A = "/api/v1/sessions/s-A/voice/commands";

    @RegisterExtension
    static final WireMockExtension cognigy = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String prefix = SharedServers.uniquePrefix();
    /** Record and dead-letter folders of the instances started here: JUnit deletes them after each test. */
    @TempDir
    Path temp;

    private Connection rabbit;

    @BeforeEach
    void stubLogin() {
        cognigy.stubFor(post(urlEqualTo("/api/v1/auth/login")).willReturn(okJson("{\"accessToken\":\"t-1\",\"expiresIn\":3600}")));
    }

    @AfterEach
    void deleteQueues() throws Exception {
        if (rabbit != null) {
            try (Channel channel = rabbit.createChannel()) {
                channel.queueDelete(prefix + ".dead-letters");
                channel.queueDelete(prefix + ".dead-letters.parked");
            }
            rabbit.close();
        }
    }

    private void connect() throws Exception {
        SharedServers.requireRabbitMq();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(SharedServers.RABBITMQ_URL);
        rabbit = factory.newConnection();
    }

    private long waiting(String queue) throws Exception {
        try (Channel channel = rabbit.createChannel()) {
            return channel.queueDeclarePassive(queue).getMessageCount();
        }
    }

    private Properties settings(String rabbitUrl) throws IOException {
        return settings(rabbitUrl, Files.createTempDirectory(temp, "acoustic-"), Files.createTempDirectory(temp, "dead-letter-"));
    }

    private Properties settings(String rabbitUrl, Path acousticDir, Path deadLetterDir) {
        Properties p = new Properties();
        p.setProperty("cognigy.base-url", cognigy.baseUrl());
        p.setProperty("cognigy.client-id", "c");
        p.setProperty("cognigy.client-secret", "s");
        p.setProperty("cognigy.api-key", "k");
        p.setProperty("acoustic.dir", acousticDir.toString());
        p.setProperty("deadletter.dir", deadLetterDir.toString());
        p.setProperty("admin.api-key", ADMIN_KEY);
        p.setProperty("shared.prefix", prefix);
        p.setProperty("deadletter.store", "rabbitmq");
        p.setProperty("rabbitmq.url", rabbitUrl);
        p.setProperty("deadletter.replay-max-attempts", "2");
        return p;
    }

    private HttpResponse<String> call(ServiceInstance instance, String path, String body, String adminKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(instance.url(path))).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (adminKey != null) {
            request.header("X-Admin-Key", adminKey);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void failBargeIn(ServiceInstance instance, String sessionId) throws Exception {
        String event = "{\"sessionId\":\"" + sessionId + "\",\"event\":\"barge_in\",\"confidence\":0.5,\"transcript\":\"x\","
                + "\"timestamp\":1}";
        assertThat(call(instance, "/webhook/cognigy/barge-in", event, null).statusCode()).isEqualTo(502);
    }

    private JsonNode replay(ServiceInstance instance) throws Exception {
        HttpResponse<String> answer = call(instance, "/admin/dead-letters/replay", "{\"all\":true}", ADMIN_KEY);
        assertThat(answer.statusCode()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    @Test
    void aDeadLetterQueuedByOneInstanceIsReplayedByAnotherExactlyOnce() throws Exception {
        connect();
        try (ServiceInstance a = ServiceInstance.start(settings(SharedServers.RABBITMQ_URL));
                ServiceInstance b = ServiceInstance.start(settings(SharedServers.RABBITMQ_URL))) {
            cognigy.stubFor(post(urlEqualTo(STOP_A)).willReturn(aResponse().withStatus(503)));
            failBargeIn(a, "s-A");
            assertThat(waiting(prefix + ".dead-letters")).isEqualTo(1);
            assertThat(deadLetterFiles(a)).isEmpty();
            try (Channel channel = rabbit.createChannel()) {
                GetResponse queued = channel.basicGet(prefix + ".dead-letters", false);
                assertThat(queued.getProps().getDeliveryMode()).isEqualTo(2);
                JsonNode entry = JSON.readTree(queued.getBody());
                assertThat(entry.get("sessionId").asText()).isEqualTo("s-A");
                assertThat(entry.get("command").asText()).isEqualTo("cognigy-abort-tts");
                channel.basicNack(queued.getEnvelope().getDeliveryTag(), false, true);
            }
            // a quorum queue: declaring it as a classic one is refused (and closes the channel that tried)
            Channel probe = rabbit.createChannel();
            assertThatThrownBy(() -> probe.queueDeclare(prefix + ".dead-letters", true, false, false,
                    Map.of("x-queue-type", "classic"))).isInstanceOf(IOException.class);

            cognigy.resetAll();
            stubLogin();
            cognigy.stubFor(post(urlEqualTo(STOP_A)).willReturn(okJson("{\"success\":true}")));
            JsonNode first = replay(b);
            JsonNode second = replay(b);

            assertThat(first.get("selected").asInt()).isEqualTo(1);
            assertThat(first.get("acknowledged").asInt()).isEqualTo(1);
            assertThat(second.get("selected").asInt()).isZero();
            assertThat(second.get("acknowledged").asInt()).isZero();
            cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(STOP_A)));
            assertThat(waiting(prefix + ".dead-letters")).isZero();
            assertThat(outcomes(b)).singleElement().asString().contains("\"outcome\":\"acknowledged\"");
        }
    }

    @Test
    void aReplayWhileAnotherRunsAnywhereIsRefused() throws Exception {
        connect();
        try (ServiceInstance a = ServiceInstance.start(settings(SharedServers.RABBITMQ_URL));
                Channel otherReplay = rabbit.createChannel()) {
            cognigy.stubFor(post(urlEqualTo(STOP_A)).willReturn(aResponse().withStatus(404)));
            failBargeIn(a, "s-A");
            // what a replay on another instance holds while it runs
            otherReplay.queueDeclare(prefix + ".dead-letters.replay-lock", false, true, true, null);

            HttpResponse<String> refused = call(a, "/admin/dead-letters/replay", "{\"all\":true}", ADMIN_KEY);

            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).isEqualTo("{\"error\":\"Dead-letter replay already running\"}");
            assertThat(waiting(prefix + ".dead-letters")).isEqualTo(1);
            otherReplay.queueDelete(prefix + ".dead-letters.replay-lock");
            assertThat(replay(a).get("failed").asInt()).isEqualTo(1);
        }
    }

    @Test
    void anEntryWhoseReplayKeepsFailingIsParkedAfterTheConfiguredAttempts() throws Exception {
        connect();
        try (ServiceInstance a = ServiceInstance.start(settings(SharedServers.RABBITMQ_URL))) {
            cognigy.stubFor(post(urlEqualTo(STOP_A)).willReturn(aResponse().withStatus(404)));
            failBargeIn(a, "s-A");

            JsonNode first = replay(a);
            assertThat(first.get("failed").asInt()).isEqualTo(1);
            assertThat(waiting(prefix + ".dead-letters")).isEqualTo(1);
            JsonNode second = replay(a);

            assertThat(second.get("parked").asInt()).isEqualTo(1);
            assertThat(waiting(prefix + ".dead-letters")).isZero();
            assertThat(waiting(prefix + ".dead-letters.parked")).isEqualTo(1);
            // the webhook's first try and one send per replay
            cognigy.verify(exactly(3), postRequestedFor(urlEqualTo(STOP_A)));
            assertThat(replay(a).get("selected").asInt()).isZero();
        }
    }

    @Test
    void withRabbitMqUnreachableDeadLettersGoToTheFileStore() throws Exception {
        String closedPort = "amqp://guest:guest@127.0.0.1:" + WebhookTestSupport.freePort() + "/%2F";
        cognigy.stubFor(post(urlEqualTo(STOP_A)).willReturn(aResponse().withStatus(404)));
        cognigy.stubFor(post(urlEqualTo("/api/v1/sessions/s-B/voice/commands")).willReturn(aResponse().withStatus(404)));
        try (LogCapture log = LogCapture.open(); ServiceInstance a = ServiceInstance.start(settings(closedPort))) {
            failBargeIn(a, "s-A");
            failBargeIn(a, "s-B");

            assertThat(deadLetterFiles(a)).singleElement().satisfies(file -> assertThat(Files.readAllLines(file))
                    .hasSize(2).anySatisfy(line -> assertThat(line).contains("\"sessionId\":\"s-A\""))
                    .anySatisfy(line -> assertThat(line).contains("\"sessionId\":\"s-B\"")));
            assertThat(log.lines()).filteredOn(line -> line.contains("does not take dead letters")).hasSize(1);
            assertThat(log.lines()).noneMatch(line -> line.contains("guest:guest"));
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(a.url("/observe/health/ready"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(http.send(HttpRequest.newBuilder(
                    URI.create(a.url("/observe/metrics"))).build(), HttpResponse.BodyHandlers.ofString()).body())
                    .contains("webhooks_dead_letters_fallback_total 2.0"));
            // the replay needs the queue: RabbitMQ down is a 503, never a replay that silently skips it
            assertThat(call(a, "/admin/dead-letters/replay", "{\"all\":true}", ADMIN_KEY).statusCode()).isEqualTo(503);
        }
    }

    @Test
    void withRabbitMqUnreachableAndTheFileStoreFailingTheAnswerIs503() throws Exception {
        String closedPort = "amqp://guest:guest@127.0.0.1:" + WebhookTestSupport.freePort() + "/%2F";
        cognigy.stubFor(post(urlEqualTo(STOP_A)).willReturn(aResponse().withStatus(404)));
        Properties settings = settings(closedPort);
        // a folder under a regular file: no one can create it (and no replay ledger in it)
        settings.remove("admin.api-key");
        settings.setProperty("deadletter.dir", Files.createTempFile(temp, "not-a-folder-", ".txt").resolve("dead-letter").toString());
        try (ServiceInstance a = ServiceInstance.start(settings)) {
            String event = "{\"sessionId\":\"s-A\",\"event\":\"barge_in\",\"confidence\":0.5,\"transcript\":\"x\",\"timestamp\":1}";
            HttpResponse<String> answer = call(a, "/webhook/cognigy/barge-in", event, null);

            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.body()).isEqualTo("{\"error\":\"Dead-letter store unavailable\"}");
        }
    }

    @Test
    void aUrlEndingInASlashIsRefusedItsVhostNamedWithTheFixAndTheStoreIsDownInReadiness(@TempDir Path folder) throws Exception {
        SharedServers.requireRabbitMq();
        // a trailing "/" names the empty vhost "", which RabbitMQ does not have
        Properties settings = settings("amqp://guest:guest@127.0.0.1:5672/", folder.resolve("acoustic"),
                folder.resolve("dead-letter"));
        cognigy.stubFor(post(urlEqualTo(STOP_A)).willReturn(aResponse().withStatus(404)));
        try (LogCapture log = LogCapture.open(); ServiceInstance a = ServiceInstance.start(settings)) {
            failBargeIn(a, "s-A");

            assertThat(deadLetterFiles(a)).singleElement().satisfies(file -> assertThat(Files.readAllLines(file))
                    .singleElement().asString().contains("\"sessionId\":\"s-A\""));
            assertThat(log.lines()).filteredOn(line -> line.contains("refused vhost")).singleElement().asString()
                    .contains("RabbitMQ at 127.0.0.1:5672 refused vhost \"\"", "use %2F for the default vhost \"/\"")
                    .doesNotContain("guest:guest");
            assertThat(log.lines()).noneMatch(line -> line.contains("guest:guest"));
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(a.url("/observe/health/ready"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"name\":\"dead-letter-queue\",\"status\":\"DOWN\"").contains("%2F")
                    .doesNotContain("guest:guest");
            assertThat(call(a, "/admin/dead-letters/replay", "{\"all\":true}", ADMIN_KEY).statusCode()).isEqualTo(503);
        }
    }

    private static List<Path> deadLetterFiles(ServiceInstance instance) throws IOException {
        return files(instance, "dead-letters-");
    }

    private static List<String> outcomes(ServiceInstance instance) throws IOException {
        return Files.readAllLines(files(instance, "replay-outcomes-").get(0));
    }

    private static List<Path> files(ServiceInstance instance, String prefix) throws IOException {
        Path dir = Path.of(instance.context().getPropertiesComponent().resolveProperty("deadletter.dir").orElseThrow());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList();
        }
    }
}
