package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The README's run command: the dev profile serves a simulated Cognigy and points the service at it. */
class DevProfileSimulatorTest extends DevProfileTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();


    @Test
    void confidentBargeInIsProcessedBySimulatedCognigy() throws Exception {
        HttpResponse<String> answer = postJson("/webhook/cognigy/barge-in", sample("barge-in-confident.json"));

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("status").asText()).isEqualTo("processed");
        assertThat(body.path("abort").path("commandExecuted").asText()).isEqualTo("stop");
        assertThat(body.path("abort").path("sessionId").asText()).isEqualTo("sess_8f3a2b1c");
        assertThat(body.path("state").path("updatedVariables").asInt()).isEqualTo(5);
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    @Test
    void lowConfidenceBargeInIsIgnoredBySimulatedCognigy() throws Exception {
        HttpResponse<String> answer = postJson("/webhook/cognigy/barge-in", sample("barge-in-low-confidence.json"));

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("abort").path("success").asBoolean()).isTrue();
        assertThat(body.path("state").toString()).isEqualTo("{\"action\":\"ignored\",\"reason\":\"low_confidence\"}");
    }

    @Test
    void lowConfidenceUtteranceIsClarifiedBySimulatedCognigy() {
        HttpResponse<String> answer = send(java.net.http.HttpRequest.newBuilder(url("/webhook"))
                .header("Content-Type", "application/json")
                .header("X-Cognigy-API-Key", "dev-api-key")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(sample("asr-low-confidence.json"))));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"message\":\"low_confidence_routed\"}");
    }

    @Test
    void simulatorAnswers404ForAnEndedSessionSoItsStopIsDeadLettered() throws Exception {
        HttpResponse<String> answer = postJson("/webhook/cognigy/barge-in",
                "{\"sessionId\":\"sess_ended_7\",\"event\":\"barge_in\",\"confidence\":0.5,\"transcript\":\"stop\",\"timestamp\":1}");

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).isEqualTo("{\"error\":\"API error 404\"}");
        try (Stream<Path> files = Files.list(deadLetterDir)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("dead-letters-"))).singleElement().satisfies(file -> assertThat(Files.readAllLines(file)).singleElement()
                    .asString().contains("\"sessionId\":\"sess_ended_7\"", "\"command\":\"cognigy-abort-tts\"", "\"lastStatus\":404"));
        }
    }

    @Test
    void adminCallsTakeTheDevProfilesKey() {
        HttpResponse<String> replay = send(java.net.http.HttpRequest.newBuilder(url("/admin/dead-letters/replay"))
                .header("X-Admin-Key", "dev-admin-key").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"all\":true}")));
        HttpResponse<String> guessed = send(java.net.http.HttpRequest.newBuilder(url("/admin/dead-letters/replay"))
                .header("X-Admin-Key", "admin").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"all\":true}")));

        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.body()).startsWith("{\"selected\":0,");
        assertThat(guessed.statusCode()).isEqualTo(401);
    }

    @Test
    void simulatorRefusesCommandsWithoutAToken() {
        HttpResponse<String> answer = postJson("/cognigy-sim/api/v1/sessions/s-1/voice/commands", "{}");

        assertThat(answer.statusCode()).isEqualTo(401);
    }
}
