package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * COGNIGY_RATE_LIMIT: one token bucket in PostgreSQL for every instance; a call without a token within its budget is
 * not sent but dead-lettered and answered 502; with the database down each instance keeps to its share; off by default.
 */
class CognigyRateLimitTest {

    private static final String MESSAGES = "/api/v1/flows/[^/]+/sessions/[^/]+/messages";
    private static final String API_KEY = "cognigy-key";
    private static final String CALLER_KEY = "caller-key";
    private static final long BUDGET_MS = 2500;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final WireMockExtension cognigy = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").containerThreads(100))
            .build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Record and dead-letter folders of the instances started here: JUnit deletes them after each test. */
    @TempDir
    Path temp;


    @BeforeEach
    void cognigyAcceptsClarifications() {
        cognigy.stubFor(post(urlPathMatching(MESSAGES)).willReturn(okJson("{\"success\":true}")));
    }

    @Test
    void twoInstancesShareOneBucketSoExactlyTheLimitReachesCognigy() throws Exception {
        SharedServers.requirePostgres();
        String prefix = SharedServers.uniquePrefix();
        Properties a = settings("a", prefix, SharedServers.POSTGRES_URL);
        Properties b = settings("b", prefix, SharedServers.POSTGRES_URL);
        for (Properties p : List.of(a, b)) {
            p.setProperty("cognigy.rate-limit", "20/300s");
            p.setProperty("cognigy.rate-limit-instances", "2");
        }

        try (ServiceInstance first = ServiceInstance.start(a); ServiceInstance second = ServiceInstance.start(b)) {
            // no Cognigy call, no token: warms both instances so the answers below are timed warm
            for (ServiceInstance instance : List.of(first, second)) {
                assertThat(postAsr(instance, utterance("warm-" + instance.port, "0.95")).join().statusCode()).isEqualTo(200);
            }
            List<CompletableFuture<Timed>> calls = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                ServiceInstance instance = i % 2 == 0 ? first : second;
                long start = System.nanoTime();
                calls.add(postAsr(instance, utterance("sess-" + i, "0.2"))
                        .thenApply(answer -> new Timed(answer, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))));
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            List<Timed> answers = calls.stream().map(CompletableFuture::join).toList();

            long ok = answers.stream().filter(t -> t.answer.statusCode() == 200).count();
            List<Timed> refused = answers.stream().filter(t -> t.answer.statusCode() == 502).toList();
            int reached = cognigy.findAll(postRequestedFor(urlPathMatching(MESSAGES))).size();
            List<JsonNode> deadLetters = new ArrayList<>(deadLetters(a));
            deadLetters.addAll(deadLetters(b));
            long slowest = refused.stream().mapToLong(Timed::ms).max().orElse(0);
            System.out.printf("rate limit 20/300s, 60 clarifications over 2 instances: %d reached Cognigy, %d answered 200, "
                    + "%d answered 502, %d dead-lettered (a: %d, b: %d), slowest 502 %d ms%n", reached, ok, refused.size(),
                    deadLetters.size(), deadLetters(a).size(), deadLetters(b).size(), slowest);

            assertThat(reached).isEqualTo(20);
            assertThat(ok).isEqualTo(20);
            assertThat(refused).hasSize(40).allSatisfy(t -> {
                assertThat(t.answer.body()).isEqualTo("{\"error\":\"Rate limit: no Cognigy request allowed within the budget\"}");
                assertThat(t.ms).isLessThan(BUDGET_MS);
            });
            assertThat(deadLetters).hasSize(40).allSatisfy(entry -> {
                assertThat(entry.get("command").asText()).isEqualTo("cognigy-clarify");
                assertThat(entry.get("error").asText()).startsWith("Rate limit:");
            });
            assertThat(deadLetters(a)).isNotEmpty();
            assertThat(deadLetters(b)).isNotEmpty();
        }
    }

    @Test
    void withTheDatabaseDownEachInstanceKeepsToItsShare() throws Exception {
        Properties p = settings("a", SharedServers.uniquePrefix(), "jdbc:postgresql://127.0.0.1:" + WebhookTestSupport.freePort() + "/test");
        p.setProperty("database.connect-timeout-ms", "250");
        p.setProperty("cognigy.rate-limit", "10/300s");
        p.setProperty("cognigy.rate-limit-instances", "2");

        try (LogCapture logs = LogCapture.open(); ServiceInstance instance = ServiceInstance.start(p)) {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                statuses.add(postAsr(instance, utterance("down-" + i, "0.2")).join().statusCode());
            }

            assertThat(statuses).containsExactly(200, 200, 200, 200, 200, 502, 502, 502);
            assertThat(cognigy.findAll(postRequestedFor(urlPathMatching(MESSAGES)))).hasSize(5);
            assertThat(deadLetters(p)).hasSize(3);
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("Cognigy rate limit store unavailable")).hasSize(1)
                    .allSatisfy(l -> assertThat(l).contains("its share, 5/300s"));
            MeterRegistry meters = instance.context().getRegistry().findSingleByType(MeterRegistry.class);
            assertThat(meters.get("cognigy.rate.limit.store.failures").counter().count()).isGreaterThanOrEqualTo(1);
            assertThat(meters.get("cognigy.rate.limited").tags("outcome", "refused").counters())
                    .extracting(Counter::count).containsExactly(3.0);
        }
    }

    @Test
    void aReplayIsRefusedWhileAClarificationStillGetsAToken() throws Exception {
        // 5 per 300 s in this instance alone (no database): replays leave 30 % (1.5 tokens) to everything else
        cognigy.stubFor(post(urlPathMatching("/api/v1/flows/[^/]+/sessions/refused/messages"))
                .willReturn(okJson("{\"error\":\"bad request\"}").withStatus(400)));
        Properties p = settings("a", SharedServers.uniquePrefix(), "");
        p.setProperty("cognigy.rate-limit", "5/300s");
        p.setProperty("admin.api-key", "admin-key");

        try (ServiceInstance instance = ServiceInstance.start(p)) {
            assertThat(postAsr(instance, utterance("refused", "0.2")).join().statusCode()).isEqualTo(502);
            assertThat(postAsr(instance, utterance("ok-1", "0.2")).join().statusCode()).isEqualTo(200);
            assertThat(postAsr(instance, utterance("ok-2", "0.2")).join().statusCode()).isEqualTo(200);

            // 2 tokens left: too few for the replay, enough for a clarification
            HttpResponse<String> replay = http.send(HttpRequest.newBuilder(URI.create(instance.url("/admin/dead-letters/replay")))
                    .header("X-Admin-Key", "admin-key").POST(HttpRequest.BodyPublishers.ofString("{\"all\":true}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(replay.body()).get("failed").asInt()).isEqualTo(1);
            assertThat(postAsr(instance, utterance("ok-3", "0.2")).join().statusCode()).isEqualTo(200);

            assertThat(cognigy.findAll(postRequestedFor(urlPathMatching(MESSAGES)))).hasSize(4);
            Path dir = Path.of(p.getProperty("deadletter.dir"));
            try (Stream<Path> files = Files.list(dir)) {
                Path outcomes = files.filter(f -> f.getFileName().toString().startsWith("replay-outcomes-")).findFirst().orElseThrow();
                assertThat(Files.readString(outcomes)).contains("\"outcome\":\"failed\"", "\"error\":\"Rate limit:");
            }
        }
    }

    @Test
    void offByDefaultNoLimiterAndNoTable() throws Exception {
        SharedServers.requirePostgres();
        String prefix = SharedServers.uniquePrefix();
        Properties p = settings("a", prefix, SharedServers.POSTGRES_URL);

        try (ServiceInstance instance = ServiceInstance.start(p)) {
            assertThat(postAsr(instance, utterance("off-1", "0.2")).join().statusCode()).isEqualTo(200);
            assertThat(instance.context().getRegistry().lookupByName("cognigyRateLimiter")).isNull();
            assertThat(instance.context().getProcessor("rate-limit-command")).isNull();
            assertThat(instance.context().getProcessor("rate-limit-login")).isNull();
        }
        try (Connection db = DriverManager.getConnection(SharedServers.POSTGRES_URL, SharedServers.POSTGRES_USER, "");
                ResultSet tables = db.getMetaData().getTables(null, null, prefix + "_rate_limit", null)) {
            assertThat(tables.next()).isFalse();
        }
    }

    private record Timed(HttpResponse<String> answer, long ms) {
    }

    private Properties settings(String name, String prefix, String databaseUrl) throws IOException {
        Properties p = new Properties();
        p.setProperty("acoustic.dir", Files.createTempDirectory(temp, "acoustic-").toString());
        p.setProperty("deadletter.dir", Files.createTempDirectory(temp, "dead-letter-").toString());
        p.setProperty("service.instance-name", name);
        p.setProperty("cognigy.base-url", cognigy.baseUrl());
        p.setProperty("cognigy.client-id", "client");
        p.setProperty("cognigy.client-secret", "secret");
        p.setProperty("cognigy.api-key", API_KEY);
        p.setProperty("asr.webhook-api-key", CALLER_KEY);
        p.setProperty("webhook.budget-ms", String.valueOf(BUDGET_MS));
        if (!databaseUrl.isEmpty()) {
            p.setProperty("database.url", databaseUrl);
        }
        p.setProperty("database.user", SharedServers.POSTGRES_USER);
        p.setProperty("shared.prefix", prefix);
        return p;
    }

    private static String utterance(String sessionId, String confidence) {
        return "{\"sessionId\":\"" + sessionId + "\",\"flowId\":\"flow-billing\",\"nodeId\":\"node-7\","
                + "\"utterance\":\"pay my bill\",\"asr\":{\"confidence\":" + confidence + ",\"text\":\"pay my bill\"}}";
    }

    private CompletableFuture<HttpResponse<String>> postAsr(ServiceInstance instance, String body) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(instance.url("/webhook")))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("X-Cognigy-API-Key", CALLER_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The dead letters in this instance's folder (written before the webhook answered). */
    private static List<JsonNode> deadLetters(Properties settings) {
        Path dir = Path.of(settings.getProperty("deadletter.dir"));
        try (Stream<Path> files = Files.list(dir)) {
            List<JsonNode> entries = new ArrayList<>();
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("dead-letters-")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    entries.add(JSON.readTree(line));
                }
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
