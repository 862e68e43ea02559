package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
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
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** DUPLICATES_STORE=postgres: the reprompt loop guard counts a session's clarifications across instances. */
class SharedClarificationCountTest {

    private static final String ASR_KEY = "caller-key-4711";
    private static final String ROUTED = "{\"message\":\"low_confidence_routed\"}";
    private static final String ESCALATION = "{\"nextNode\":\"escalate-to-agent\"}";

    @RegisterExtension
    static final WireMockExtension cognigy = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String prefix = SharedServers.uniquePrefix();
    private final AtomicInteger utterances = new AtomicInteger();
    /** Record and dead-letter folders of the instances started here: JUnit deletes them after each test. */
    @TempDir
    Path temp;


    @BeforeEach
    void cognigyAcknowledges() {
        cognigy.stubFor(post(urlPathMatching(".*/messages")).willReturn(aResponse().withStatus(201)));
    }

    @AfterEach
    void dropTables() {
        try (Connection connection = DriverManager.getConnection(SharedServers.POSTGRES_URL, SharedServers.POSTGRES_USER, "");
                Statement drop = connection.createStatement()) {
            drop.execute("DROP TABLE IF EXISTS " + prefix + "_clarifications");
            drop.execute("DROP TABLE IF EXISTS " + prefix + "_deliveries");
        } catch (SQLException e) {
            // no server: the tests that needed it were skipped
        }
    }

    private Properties settings(String name, String databaseUrl) throws IOException {
        Properties p = new Properties();
        p.setProperty("cognigy.base-url", cognigy.baseUrl());
        p.setProperty("cognigy.client-id", "test-client");
        p.setProperty("cognigy.client-secret", "test-secret-value");
        p.setProperty("cognigy.api-key", "test-api-key");
        p.setProperty("asr.webhook-api-key", ASR_KEY);
        p.setProperty("acoustic.dir", Files.createTempDirectory(temp, "acoustic-" + name + "-").toString());
        p.setProperty("deadletter.dir", Files.createTempDirectory(temp, "dead-letter-" + name + "-").toString());
        p.setProperty("service.instance-name", name);
        p.setProperty("duplicates.store", "postgres");
        p.setProperty("database.url", databaseUrl);
        p.setProperty("database.user", SharedServers.POSTGRES_USER);
        p.setProperty("shared.prefix", prefix);
        return p;
    }

    /** A low-confidence utterance of the session, with a new text each time (never a duplicate). */
    private HttpResponse<String> lowConfidence(ServiceInstance instance, String sessionId) {
        String body = AsrConfidenceWebhookTest.utterance(sessionId, "flow-billing", "0.3")
                .replace("pay my bill", "pay my bill " + utterances.incrementAndGet());
        try {
            return http.send(HttpRequest.newBuilder(URI.create(instance.url("/webhook"))).header("X-Cognigy-API-Key", ASR_KEY)
                    .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private long clarificationsCounted(String sessionId) throws SQLException {
        try (Connection connection = DriverManager.getConnection(SharedServers.POSTGRES_URL, SharedServers.POSTGRES_USER, "");
                Statement select = connection.createStatement();
                ResultSet row = select.executeQuery("SELECT clarifications FROM " + prefix + "_clarifications"
                        + " WHERE session_id = '" + sessionId + "'")) {
            return row.next() ? row.getLong(1) : 0;
        }
    }

    @Test
    void clarificationsOfOneSessionOnTwoInstancesShareOneCount() throws Exception {
        SharedServers.requirePostgres();
        try (ServiceInstance a = ServiceInstance.start(settings("a", SharedServers.POSTGRES_URL));
                ServiceInstance b = ServiceInstance.start(settings("b", SharedServers.POSTGRES_URL))) {
            String session = "sess_shared_loop";
            HttpResponse<String> first = lowConfidence(a, session);
            HttpResponse<String> second = lowConfidence(b, session);
            HttpResponse<String> third = lowConfidence(a, session);
            HttpResponse<String> fourth = lowConfidence(b, session);

            assertThat(List.of(first.body(), second.body())).containsOnly(ROUTED);
            assertThat(third.body()).isEqualTo(ESCALATION);
            assertThat(fourth.body()).isEqualTo(ESCALATION);
            assertThat(cognigy.findAll(postRequestedFor(urlPathMatching(".*/sessions/" + session + "/messages")))).hasSize(2);
            assertThat(clarificationsCounted(session)).isEqualTo(2);
            assertThat(AsrQualityTest.counted(a.context(), "asr.escalations")
                    + AsrQualityTest.counted(b.context(), "asr.escalations")).isEqualTo(2);
            assertThat(AsrQualityTest.counted(a.context(), "asr.clarifications.store.failures")
                    + AsrQualityTest.counted(b.context(), "asr.clarifications.store.failures")).isZero();
        }
    }

    @Test
    void aSessionWhoseWindowIsOverIsClarifiedAgainAndTheCleanupDeletesItsRow() throws Exception {
        SharedServers.requirePostgres();
        Properties settings = settings("a", SharedServers.POSTGRES_URL);
        settings.setProperty("asr.max-clarifications", "1");
        settings.setProperty("asr.clarification-window-seconds", "1");
        settings.setProperty("duplicates.store-cleanup-ms", "200");
        try (ServiceInstance a = ServiceInstance.start(settings)) {
            String session = "sess_shared_window";
            assertThat(lowConfidence(a, session).body()).isEqualTo(ROUTED);
            assertThat(lowConfidence(a, session).body()).isEqualTo(ESCALATION);

            await().atMost(Duration.ofSeconds(5)).until(() -> !rowExists(session));
            assertThat(lowConfidence(a, session).body()).isEqualTo(ROUTED);
            assertThat(clarificationsCounted(session)).isEqualTo(1);
        }
    }

    private boolean rowExists(String sessionId) throws SQLException {
        try (Connection connection = DriverManager.getConnection(SharedServers.POSTGRES_URL, SharedServers.POSTGRES_USER, "");
                Statement select = connection.createStatement();
                ResultSet row = select.executeQuery("SELECT 1 FROM " + prefix + "_clarifications"
                        + " WHERE session_id = '" + sessionId + "'")) {
            return row.next();
        }
    }

    @Test
    void withPostgresDownEachInstanceCountsItsOwnClarifications() throws Exception {
        Properties settings = settings("a", "jdbc:postgresql://127.0.0.1:1/test");
        settings.setProperty("database.connect-timeout-ms", "250");
        try (LogCapture logs = LogCapture.open(); ServiceInstance a = ServiceInstance.start(settings)) {
            String session = "sess_local_loop";

            assertThat(lowConfidence(a, session).body()).isEqualTo(ROUTED);
            assertThat(lowConfidence(a, session).body()).isEqualTo(ROUTED);
            assertThat(lowConfidence(a, session).body()).isEqualTo(ESCALATION);

            assertThat(AsrQualityTest.counted(a.context(), "asr.clarifications.store.failures")).isGreaterThanOrEqualTo(1);
            assertThat(AsrQualityTest.counted(a.context(), "asr.escalations")).isEqualTo(1);
            List<String> outage = logs.lines().stream().filter(line -> line.contains("clarification count PostgreSQL")).toList();
            assertThat(outage).hasSize(1);
            assertThat(outage.get(0)).contains("failed on count").doesNotContain("127.0.0.1:1");
        }
    }
}
