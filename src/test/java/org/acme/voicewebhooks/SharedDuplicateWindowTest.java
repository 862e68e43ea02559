package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** DUPLICATES_STORE=postgres: instances on one PostgreSQL share the duplicate window, and fall back to their own. */
class SharedDuplicateWindowTest {

    private static final String BARGE_IN = "/webhook/cognigy/barge-in";
    private static final String ABORT = "/api/v1/sessions/sess_8f3a2b1c/voice/commands";
    private static final String VARIABLES = "/api/v1/sessions/sess_8f3a2b1c/variables";
    private static final String MESSAGES = "/api/v1/flows/flow-billing/sessions/sess_41c2/messages";
    private static final String ASR_KEY = "caller-key-4711";
    private static final int COPIES = 4;
    private static final String IN_PROGRESS = "{\"error\":\"Duplicate delivery in progress\"}";

    @RegisterExtension
    static final WireMockExtension cognigy = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").containerThreads(100)
                    .asynchronousResponseEnabled(true).asynchronousResponseThreads(50))
            .build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String prefix = SharedServers.uniquePrefix();
    private final List<Path> acousticDirs = new ArrayList<>();
    /** Record and dead-letter folders of the instances started here: JUnit deletes them after each test. */
    @TempDir
    Path temp;


    @BeforeEach
    void cognigyAcknowledges() {
        cognigy.stubFor(post(urlEqualTo("/api/v1/auth/login")).willReturn(okJson("{\"accessToken\":\"t-1\",\"expiresIn\":3600}")));
        // the first delivery stays in flight long enough for its copies to find it there
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(okJson("{\"success\":true}").withFixedDelay(300)));
        cognigy.stubFor(post(urlPathMatching(".*/variables")).willReturn(okJson("{\"updatedVariables\":5}")));
        cognigy.stubFor(post(urlPathMatching(".*/messages")).willReturn(aResponse().withStatus(201).withFixedDelay(300)));
    }

    @AfterEach
    void dropTable() throws SQLException {
        try (Connection connection = DriverManager.getConnection(SharedServers.POSTGRES_URL, SharedServers.POSTGRES_USER, "");
                Statement drop = connection.createStatement()) {
            drop.execute("DROP TABLE IF EXISTS " + prefix + "_deliveries");
        } catch (SQLException e) {
            // no server: the tests that needed it were skipped
        }
    }

    private Properties settings(String name, String databaseUrl) throws IOException {
        Path acoustic = Files.createTempDirectory(temp, "acoustic-" + name + "-");
        acousticDirs.add(acoustic);
        Properties p = new Properties();
        p.setProperty("cognigy.base-url", cognigy.baseUrl());
        p.setProperty("cognigy.client-id", "test-client");
        p.setProperty("cognigy.client-secret", "test-secret-value");
        p.setProperty("cognigy.api-key", "test-api-key");
        p.setProperty("cognigy.read-timeout-ms", "2000");
        p.setProperty("asr.webhook-api-key", ASR_KEY);
        p.setProperty("acoustic.dir", acoustic.toString());
        p.setProperty("deadletter.dir", Files.createTempDirectory(temp, "dead-letter-" + name + "-").toString());
        p.setProperty("service.instance-name", name);
        p.setProperty("duplicates.store", "postgres");
        p.setProperty("database.url", databaseUrl);
        p.setProperty("database.user", SharedServers.POSTGRES_USER);
        p.setProperty("shared.prefix", prefix);
        return p;
    }

    private HttpResponse<String> bargeIn(ServiceInstance instance, String body) {
        return send(HttpRequest.newBuilder(URI.create(instance.url(BARGE_IN))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> asr(ServiceInstance instance, String body) {
        return send(HttpRequest.newBuilder(URI.create(instance.url("/webhook"))).header("X-Cognigy-API-Key", ASR_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Acoustic record lines across every instance's folder that contain {@code text}. */
    private long records(String text) {
        long lines = 0;
        for (Path dir : acousticDirs) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    lines += Files.readAllLines(file).stream().filter(line -> line.contains(text)).count();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return lines;
    }

    /** Rows of the shared window for the sample barge-in. */
    private long rows() throws SQLException {
        try (Connection connection = DriverManager.getConnection(SharedServers.POSTGRES_URL, SharedServers.POSTGRES_USER, "");
                Statement count = connection.createStatement();
                ResultSet result = count.executeQuery("SELECT count(*) FROM " + prefix + "_deliveries"
                        + " WHERE key = 'barge-in:sess_8f3a2b1c:1718452901234'")) {
            result.next();
            return result.getLong(1);
        }
    }

    private static double storeFailures(ServiceInstance instance) {
        MeterRegistry meters = instance.context().getRegistry().findSingleByType(MeterRegistry.class);
        return meters.find("webhooks.duplicates.store.failures").counters().stream().mapToDouble(Counter::count).sum();
    }

    private static String summary(List<HttpResponse<String>> answers) {
        return answers.stream().collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting())).toString();
    }

    @Test
    void copiesSentToTwoInstancesAtOnceRepeatNoSideEffect() throws Exception {
        SharedServers.requirePostgres();
        try (ServiceInstance a = ServiceInstance.start(settings("a", SharedServers.POSTGRES_URL));
                ServiceInstance b = ServiceInstance.start(settings("b", SharedServers.POSTGRES_URL))) {
            // warm each instance (login, Cognigy connection, the table) on other sessions, so copies race on PostgreSQL only
            for (ServiceInstance instance : List.of(a, b)) {
                String session = "sess_warm_" + instance.port;
                assertThat(bargeIn(instance, sample("barge-in-confident.json").replace("sess_8f3a2b1c", session)).statusCode()).isEqualTo(200);
                assertThat(asr(instance, AsrConfidenceWebhookTest.utterance(session, "flow-warm", "0.3")).statusCode()).isEqualTo(200);
            }
            ExecutorService callers = Executors.newFixedThreadPool(4 * COPIES);
            Map<String, List<HttpResponse<String>>> answers;
            try {
                CountDownLatch start = new CountDownLatch(1);
                Map<String, List<CompletableFuture<HttpResponse<String>>>> sent = Map.of(
                        "bargeIn", copies(callers, start, List.of(a, b), instance -> bargeIn(instance, sample("barge-in-confident.json"))),
                        "asr", copies(callers, start, List.of(a, b), instance -> asr(instance, sample("asr-low-confidence.json"))));
                start.countDown();
                answers = Map.of("bargeIn", joined(sent.get("bargeIn")), "asr", joined(sent.get("asr")));
            } finally {
                callers.shutdownNow();
            }
            // a marker afterwards on each instance: once its record is written, an earlier one of that instance is too
            for (ServiceInstance instance : List.of(a, b)) {
                asr(instance, AsrConfidenceWebhookTest.utterance("sess_marker_" + instance.port, "flow-marker", "0.9"));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> records("sess_marker_") == 2);

            int stops = cognigy.findAll(postRequestedFor(urlEqualTo(ABORT))).size();
            int resets = cognigy.findAll(postRequestedFor(urlEqualTo(VARIABLES))).size();
            int clarifications = cognigy.findAll(postRequestedFor(urlEqualTo(MESSAGES))).size();
            long asrRecords = records("sess_41c2");
            System.out.printf("two instances, %d copies each: stops=%d resets=%d clarifications=%d asrRecords=%d "
                    + "bargeInAnswers=%s asrDecisions=%s%n", COPIES, stops, resets, clarifications, asrRecords,
                    summary(answers.get("bargeIn")), summary(answers.get("asr")));
            assertThat(stops).isEqualTo(1);
            assertThat(resets).isEqualTo(1);
            assertThat(clarifications).isEqualTo(1);
            assertThat(asrRecords).isEqualTo(1);
            assertEqualOr409(answers.get("bargeIn"), "{\"status\":\"processed\"");
            assertEqualOr409(answers.get("asr"), "{\"message\":\"low_confidence_routed\"}");
            assertThat(storeFailures(a) + storeFailures(b)).isZero();
        }
    }

    private List<CompletableFuture<HttpResponse<String>>> copies(ExecutorService callers, CountDownLatch start,
            List<ServiceInstance> instances, Function<ServiceInstance, HttpResponse<String>> call) {
        List<CompletableFuture<HttpResponse<String>>> copies = new ArrayList<>();
        for (int i = 0; i < COPIES; i++) {
            for (ServiceInstance instance : instances) {
                copies.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return call.apply(instance);
                }, callers));
            }
        }
        return copies;
    }

    private static List<HttpResponse<String>> joined(List<CompletableFuture<HttpResponse<String>>> copies) throws Exception {
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> copy : copies) {
            answers.add(copy.get(15, TimeUnit.SECONDS));
        }
        return answers;
    }

    /** Every copy gets the one first answer, or 409 when more copies than max-waiters (2) waited on an instance. */
    private static void assertEqualOr409(List<HttpResponse<String>> answers, String firstAnswerStart) {
        List<HttpResponse<String>> first = answers.stream().filter(answer -> answer.statusCode() == 200).toList();
        assertThat(first).isNotEmpty();
        assertThat(first).extracting(HttpResponse::body).containsOnly(first.get(0).body());
        assertThat(first.get(0).body()).startsWith(firstAnswerStart);
        // the instance that lost the claim answered with the winner's answer too, read from PostgreSQL
        assertThat(first.stream().map(answer -> answer.uri().getPort()).distinct().count()).isEqualTo(2);
        assertThat(answers).filteredOn(answer -> answer.statusCode() != 200).allSatisfy(answer -> {
            assertThat(answer.statusCode()).isEqualTo(409);
            assertThat(answer.body()).isEqualTo(IN_PROGRESS);
        });
    }

    @Test
    void aDeliveryThatFailedOnOneInstanceIsProcessedAgainOnTheOther() throws Exception {
        SharedServers.requirePostgres();
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(aResponse().withStatus(400)));
        try (ServiceInstance a = ServiceInstance.start(settings("a", SharedServers.POSTGRES_URL));
                ServiceInstance b = ServiceInstance.start(settings("b", SharedServers.POSTGRES_URL))) {
            assertThat(bargeIn(a, sample("barge-in-confident.json")).statusCode()).isEqualTo(502);
            int stopsSent = cognigy.findAll(postRequestedFor(urlEqualTo(ABORT))).size();
            cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(okJson("{\"success\":true}")));

            HttpResponse<String> retry = bargeIn(b, sample("barge-in-confident.json"));
            HttpResponse<String> again = bargeIn(a, sample("barge-in-confident.json"));

            assertThat(retry.statusCode()).isEqualTo(200);
            assertThat(retry.body()).contains("\"status\":\"processed\"");
            assertThat(again.body()).isEqualTo(retry.body());
            cognigy.verify(exactly(stopsSent + 1), postRequestedFor(urlEqualTo(ABORT)));
        }
    }

    @Test
    void anExpiredDeliveryIsProcessedAgainAndTheCleanupDeletesItsRow() throws Exception {
        SharedServers.requirePostgres();
        Properties settings = settings("a", SharedServers.POSTGRES_URL);
        settings.setProperty("duplicates.window-seconds", "2");
        settings.setProperty("duplicates.store-cleanup-ms", "200");
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(okJson("{\"success\":true}")));
        try (ServiceInstance a = ServiceInstance.start(settings)) {
            // a cold first webhook could outlast the window: warm up on another session
            assertThat(bargeIn(a, sample("barge-in-confident.json").replace("sess_8f3a2b1c", "sess_warm")).statusCode()).isEqualTo(200);
            assertThat(bargeIn(a, sample("barge-in-confident.json")).statusCode()).isEqualTo(200);
            assertThat(rows()).isEqualTo(1);

            await().atMost(Duration.ofSeconds(5)).until(() -> rows() == 0);
            HttpResponse<String> later = bargeIn(a, sample("barge-in-confident.json"));

            assertThat(later.statusCode()).isEqualTo(200);
            assertThat(later.body()).contains("\"status\":\"processed\"");
            cognigy.verify(exactly(2), postRequestedFor(urlEqualTo(ABORT)));
            assertThat(rows()).isEqualTo(1);
        }
    }

    @Test
    void withPostgresDownTheServiceStartsAndEachInstanceStopsItsOwnDuplicates() throws Exception {
        Properties settings = settings("a", "jdbc:postgresql://127.0.0.1:1/test");
        settings.setProperty("database.connect-timeout-ms", "250");
        settings.setProperty("duplicates.store-retry-ms", "100");
        try (LogCapture logs = LogCapture.open(); ServiceInstance a = ServiceInstance.start(settings)) {
            HttpResponse<String> first = bargeIn(a, sample("barge-in-confident.json"));
            HttpResponse<String> again = bargeIn(a, sample("barge-in-confident.json"));
            HttpResponse<String> asrFirst = asr(a, sample("asr-low-confidence.json"));
            HttpResponse<String> asrAgain = asr(a, sample("asr-low-confidence.json"));
            // new deliveries until the store was tried, and failed, more than once in this outage
            int[] next = {0};
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                String session = "sess_other_" + next[0]++;
                assertThat(bargeIn(a, sample("barge-in-confident.json").replace("sess_8f3a2b1c", session)).statusCode())
                        .isEqualTo(200);
                return storeFailures(a) >= 3;
            });

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.body()).isEqualTo(first.body()).contains("\"status\":\"processed\"");
            assertThat(asrAgain.body()).isEqualTo(asrFirst.body()).isEqualTo("{\"message\":\"low_confidence_routed\"}");
            cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(ABORT)));
            cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(VARIABLES)));
            cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(MESSAGES)));
            List<String> outage = logs.lines().stream().filter(line -> line.contains("duplicate store PostgreSQL")).toList();
            System.out.println("PostgreSQL down: store failures counted=" + storeFailures(a) + " log lines=" + outage);
            assertThat(outage).hasSize(1);
            assertThat(outage.get(0)).contains("failed on claim").doesNotContain("127.0.0.1:1");
        }
    }

    private static String sample(String name) {
        try {
            return Files.readString(Path.of("src/test/resources", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
