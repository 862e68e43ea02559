package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** A replayed dead letter keeps its command's rules: its own success statuses and retry-ambiguous=false. */
class ReplayKeepsCommandRulesTest extends WebhookTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_KEY = "admin-test-key";

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        p.setProperty("admin.api-key", ADMIN_KEY);
        p.setProperty("cognigy.command.abort-tts.success-statuses", "202");
        p.setProperty("cognigy.command.abort-tts.retry-ambiguous", "false");
        return p;
    }

    /** A low-confidence barge-in whose stop Cognigy answers 200, which this command does not count as success. */
    private void failStop(String sessionId) {
        cognigy.stubFor(post(urlEqualTo(commands(sessionId))).willReturn(okJson("{\"success\":true}")));
        String event = "{\"sessionId\":\"" + sessionId + "\",\"event\":\"barge_in\",\"confidence\":0.5,\"transcript\":\"stop\","
                + "\"timestamp\":1}";
        HttpResponse<String> answer = postJson("/webhook/cognigy/barge-in", event);
        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).isEqualTo("{\"error\":\"API error 200\"}");
    }

    private static String commands(String sessionId) {
        return "/api/v1/sessions/" + sessionId + "/voice/commands";
    }

    private JsonNode replay(String sessionId) throws IOException {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(url("/admin/dead-letters/replay"))
                .header("X-Admin-Key", ADMIN_KEY).POST(HttpRequest.BodyPublishers.ofString("{\"sessionId\":\"" + sessionId + "\"}")));
        assertThat(answer.statusCode()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private List<String> lines(String prefix) throws IOException {
        try (Stream<Path> files = Files.list(deadLetterDir)) {
            Path file = files.filter(f -> f.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
            return Files.readAllLines(file);
        }
    }

    @Test
    void theEntryKeepsTheCommandsRulesAndItsReplayCountsOnlyItsOwnSuccessStatuses() throws IOException {
        failStop("s-status");
        assertThat(lines("dead-letters-")).singleElement().asString()
                .contains("\"successStatuses\":[202]", "\"retryAmbiguous\":false", "\"lastStatus\":200");

        JsonNode counts = replay("s-status");

        // a 200 is still no success for this command: the replay fails (any 2xx would have passed before)
        assertThat(counts.get("selected").asInt()).isEqualTo(1);
        assertThat(counts.get("failed").asInt()).isEqualTo(1);
        assertThat(counts.get("acknowledged").asInt()).isZero();
        assertThat(lines("replay-outcomes-")).singleElement().asString()
                .contains("\"outcome\":\"failed\"", "\"lastStatus\":200");
        cognigy.verify(exactly(2), postRequestedFor(urlEqualTo(commands("s-status"))));
    }

    @Test
    void aReplayWhoseCommandDoesNotRetryAmbiguousFailuresSendsItOnce() throws IOException {
        failStop("s-ambiguous");
        cognigy.resetRequests();
        // Cognigy takes the request and never answers within the read timeout: it may have acted
        cognigy.stubFor(post(urlEqualTo(commands("s-ambiguous")))
                .willReturn(okJson("{\"success\":true}").withStatus(202).withFixedDelay(1500)));

        JsonNode counts = replay("s-ambiguous");

        assertThat(counts.get("failed").asInt()).isEqualTo(1);
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(commands("s-ambiguous"))));
    }
}
