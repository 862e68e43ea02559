package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The documented replay command: POST /admin/dead-letters/replay with the admin key. */
class DeadLetterReplayTest extends WebhookTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_KEY = "admin-test-key";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String STOP_A = "{\"command\":\"stop\",\"reason\":\"user_interrupt\",\"sessionId\":\"s-A\"}";

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        p.setProperty("admin.api-key", ADMIN_KEY);
        return p;
    }

    private HttpResponse<String> replay(String criteria, String key) {
        return send(HttpRequest.newBuilder(url("/admin/dead-letters/replay")).header("X-Admin-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(criteria)));
    }

    /** A replay with this Content-Type ({@code null}: none), as curl's --data sends it with {@link #FORM}. */
    private HttpResponse<String> replayAs(String contentType, String criteria) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url("/admin/dead-letters/replay")).header("X-Admin-Key", ADMIN_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(criteria));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request);
    }

    private JsonNode counts(HttpResponse<String> answer) throws IOException {
        assertThat(answer.statusCode()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private void failBargeIn(String sessionId) {
        String event = "{\"sessionId\":\"" + sessionId + "\",\"event\":\"barge_in\",\"confidence\":0.5,\"transcript\":\"x\","
                + "\"timestamp\":1}";
        assertThat(postJson("/webhook/cognigy/barge-in", event).statusCode()).isEqualTo(502);
    }

    private List<String> outcomes() throws IOException {
        try (Stream<Path> files = Files.list(deadLetterDir)) {
            Path file = files.filter(f -> f.getFileName().toString().startsWith("replay-outcomes-")).findFirst().orElseThrow();
            return Files.readAllLines(file);
        }
    }

    @Test
    void deadLettersAreReplayedBySessionEachAtMostOnce() throws IOException {
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(aResponse().withStatus(404)));
        failBargeIn("s-A");
        failBargeIn("s-B");
        String keyA = cognigy.findAll(postRequestedFor(urlEqualTo("/api/v1/sessions/s-A/voice/commands"))).get(0)
                .getHeader("Idempotency-Key");
        cognigy.resetAll();
        stubLogin();
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(okJson("{\"success\":true}")));

        JsonNode first = counts(replay("{\"sessionId\":\"s-A\"}", ADMIN_KEY));
        JsonNode again = counts(replay("{\"sessionId\":\"s-A\"}", ADMIN_KEY));
        JsonNode all = counts(replay("{\"all\":true}", ADMIN_KEY));

        assertThat(first.get("selected").asInt()).isEqualTo(1);
        assertThat(first.get("acknowledged").asInt()).isEqualTo(1);
        assertThat(again.get("alreadyReplayed").asInt()).isEqualTo(1);
        assertThat(again.get("acknowledged").asInt()).isZero();
        assertThat(all.get("selected").asInt()).isEqualTo(2);
        assertThat(all.get("acknowledged").asInt()).isEqualTo(1);
        assertThat(all.get("alreadyReplayed").asInt()).isEqualTo(1);
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo("/api/v1/sessions/s-A/voice/commands"))
                .withHeader("Authorization", equalTo("Bearer t-1"))
                .withHeader("Idempotency-Key", equalTo(keyA))
                .withRequestBody(equalTo(STOP_A)));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo("/api/v1/sessions/s-B/voice/commands")));
        assertThat(outcomes()).hasSize(2).allSatisfy(line -> assertThat(line).contains("\"outcome\":\"acknowledged\""));
    }

    @Test
    void entriesOlderThanTheMaximumAgeAreSkippedAndATimeRangeChooses() throws IOException {
        String old = Instant.now().minusSeconds(600).toString();
        String recent = Instant.now().minusSeconds(5).toString();
        Files.writeString(deadLetterDir.resolve("dead-letters-2026-11-22-test-instance.jsonl"),
                entry("e-old", old, "s-old") + entry("e-new", recent, "s-new"));
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(okJson("{}")));

        JsonNode range = counts(replay("{\"from\":\"" + Instant.now().minusSeconds(60) + "\"}", ADMIN_KEY));
        JsonNode rest = counts(replay("{\"all\":true}", ADMIN_KEY));

        assertThat(range.get("selected").asInt()).isEqualTo(1);
        assertThat(range.get("acknowledged").asInt()).isEqualTo(1);
        assertThat(rest.get("expired").asInt()).isEqualTo(1);
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo("/api/v1/sessions/s-old/voice/commands")));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo("/api/v1/sessions/s-new/voice/commands")));
        assertThat(outcomes()).anySatisfy(line -> assertThat(line).contains("e-old").contains("\"outcome\":\"expired\""));
    }

    @Test
    void aFailedReplayIsRecordedWithItsStatus() throws IOException {
        Files.writeString(deadLetterDir.resolve("dead-letters-2026-11-22-test-instance.jsonl"),
                entry("e-1", Instant.now().toString(), "s-1"));
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(aResponse().withStatus(404)));

        JsonNode counts = counts(replay("{\"all\":true}", ADMIN_KEY));

        assertThat(counts.get("failed").asInt()).isEqualTo(1);
        assertThat(outcomes()).singleElement().asString().contains("\"outcome\":\"failed\"").contains("\"lastStatus\":404");
    }

    @Test
    void aTornLineIsSkippedAndCountedWhileTheRestIsReplayed() throws IOException {
        String now = Instant.now().toString();
        String torn = entry("e-torn", now, "s-torn");
        Files.writeString(deadLetterDir.resolve("dead-letters-2026-11-22-test-instance.jsonl"),
                entry("e-1", now, "s-1") + torn.substring(0, torn.length() / 2) + "\n" + "{\"id\":7}\n" + entry("e-2", now, "s-2"));
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(okJson("{}")));

        JsonNode counts = counts(replay("{\"all\":true}", ADMIN_KEY));

        assertThat(counts.get("unreadable").asInt()).isEqualTo(2);
        assertThat(counts.get("acknowledged").asInt()).isEqualTo(2);
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo("/api/v1/sessions/s-1/voice/commands")));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo("/api/v1/sessions/s-2/voice/commands")));
    }

    @Test
    void replayNeedsTheAdminKeyAndValidCriteria() {
        assertThat(replay("", "wrong").statusCode()).isEqualTo(401);
        assertThat(replay("{\"from\":\"yesterday\"}", ADMIN_KEY).statusCode()).isEqualTo(400);
        assertThat(replay("[1]", ADMIN_KEY).statusCode()).isEqualTo(400);
    }

    @Test
    void formEncodedCriteriaReplayOnlyTheChosenSession() throws IOException {
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(aResponse().withStatus(404)));
        failBargeIn("s-A");
        failBargeIn("s-B");
        cognigy.resetAll();
        stubLogin();
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(okJson("{\"success\":true}")));

        JsonNode counts = counts(replayAs(FORM, "{\"sessionId\":\"s-A\"}"));

        assertThat(counts.get("selected").asInt()).isEqualTo(1);
        assertThat(counts.get("acknowledged").asInt()).isEqualTo(1);
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo("/api/v1/sessions/s-A/voice/commands"))
                .withRequestBody(equalTo(STOP_A)));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo("/api/v1/sessions/s-B/voice/commands")));
        assertThat(outcomes()).singleElement().asString().contains("\"sessionId\":\"s-A\"");
    }

    @Test
    void aFormEncodedTimeWindowIsReadAsSentPlusSignsIncluded() throws IOException {
        Instant now = Instant.now();
        Files.writeString(deadLetterDir.resolve("dead-letters-2026-11-22-test-instance.jsonl"),
                entry("e-in", now.minusSeconds(30).toString(), "s-in") + entry("e-late", now.minusSeconds(2).toString(), "s-late"));
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(okJson("{}")));
        // a form decoder would read each '+' of these offsets as a space
        String from = OffsetDateTime.ofInstant(now.minusSeconds(50), ZoneOffset.ofHours(1)).toString();
        String to = OffsetDateTime.ofInstant(now.minusSeconds(10), ZoneOffset.ofHours(1)).toString();

        JsonNode counts = counts(replayAs(FORM, "{\"from\":\"" + from + "\",\"to\":\"" + to + "\"}"));

        assertThat(counts.get("selected").asInt()).isEqualTo(1);
        assertThat(counts.get("acknowledged").asInt()).isEqualTo(1);
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo("/api/v1/sessions/s-in/voice/commands")));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo("/api/v1/sessions/s-late/voice/commands")));
    }

    @Test
    void invalidCriteriaAnswer400AndReplayNothing() throws IOException {
        Files.writeString(deadLetterDir.resolve("dead-letters-2026-11-22-test-instance.jsonl"),
                entry("e-1", Instant.now().toString(), "s-1"));
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(okJson("{}")));
        List<String> invalid = List.of("nope", "[1]", "\"s-1\"", "null", "{\"from\":\"yesterday\"}", "{\"to\":17}",
                "{\"sessionId\":\"\"}", "{\"sessionId\":7}", "{\"sessionId\":null}", "{\"session\":\"s-1\"}",
                "{\"from\":\"2026-11-22T15:00:00Z\",\"to\":\"2026-11-22T14:00:00Z\"}",
                "{\"all\":true,\"sessionId\":\"s-1\"}", "{\"all\":false}", "{\"all\":\"yes\"}", "{}",
                "{\"sessionId\":\"s-1\"} {\"all\":true}", "{\"sessionId\":\"s-9\",\"sessionId\":\"s-1\"}");

        for (String criteria : invalid) {
            for (String contentType : new String[] {FORM, "application/json"}) {
                HttpResponse<String> answer = replayAs(contentType, criteria);

                assertThat(answer.statusCode()).as("%s as %s", criteria, contentType).isEqualTo(400);
                assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
                assertThat(answer.body()).doesNotContain("\n").doesNotContain("Exception");
                assertThat(JSON.readTree(answer.body()).get("error").asText()).startsWith("Replay criteria");
            }
        }
        assertThat(replayAs(FORM, "{\"from\":\"yesterday\"}").body())
                .isEqualTo("{\"error\":\"Replay criteria: from must be an ISO-8601 instant, e.g. 2026-11-22T14:00:00Z\"}");
        assertThat(replayAs(FORM, "{\"session\":\"s-1\"}").body()).contains("unknown field").contains("session");
        cognigy.verify(exactly(0), postRequestedFor(urlPathMatching(".*/voice/commands")));
        try (Stream<Path> files = Files.list(deadLetterDir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(name -> name.startsWith("replay-outcomes-"));
        }
        // nothing was marked as replayed either
        assertThat(counts(replayAs(FORM, "{\"sessionId\":\"s-1\"}")).get("acknowledged").asInt()).isEqualTo(1);
    }

    @Test
    void anEmptyBodyIsRefusedAndEveryEntryNeedsAllTrue() throws IOException {
        String now = Instant.now().toString();
        Files.writeString(deadLetterDir.resolve("dead-letters-2026-11-22-test-instance.jsonl"),
                entry("e-1", now, "s-1") + entry("e-2", now, "s-2"));
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(okJson("{}")));

        for (String contentType : new String[] {null, FORM, "application/json"}) {
            HttpResponse<String> answer = replayAs(contentType, "");

            assertThat(answer.statusCode()).as("empty body as %s", contentType).isEqualTo(400);
            assertThat(answer.body()).startsWith("{\"error\":\"Replay criteria missing").contains("all");
        }
        cognigy.verify(exactly(0), postRequestedFor(urlPathMatching(".*/voice/commands")));

        JsonNode all = counts(replayAs(FORM, "{\"all\":true}"));

        assertThat(all.get("selected").asInt()).isEqualTo(2);
        assertThat(all.get("acknowledged").asInt()).isEqualTo(2);
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo("/api/v1/sessions/s-1/voice/commands")));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo("/api/v1/sessions/s-2/voice/commands")));
    }

    private static String entry(String id, String time, String sessionId) {
        return "{\"id\":\"" + id + "\",\"time\":\"" + time + "\",\"webhook\":\"barge-in-webhook\",\"sessionId\":\"" + sessionId
                + "\",\"command\":\"cognigy-abort-tts\",\"method\":\"POST\",\"path\":\"/api/v1/sessions/" + sessionId
                + "/voice/commands\",\"auth\":\"bearer\",\"body\":{\"command\":\"stop\"},\"attempts\":1}\n";
    }
}
