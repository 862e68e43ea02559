package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import org.acme.voicewebhooks.webhook.CallerAuthProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Barge-in signed the jambonz way (with a rotated secret), the ASR webhook behind Basic auth. */
class SignedWebhooksTest extends WebhookTestSupport {

    private static final String OLD = "old-secret";
    private static final String NEW = "new-secret";

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        p.setProperty("bargein.caller-auth", "jambonz-signature");
        p.setProperty("bargein.signing-secrets", OLD + "," + NEW);
        p.setProperty("asr.caller-auth", "basic");
        p.setProperty("asr.basic-auth", "voice:gateway-pass");
        return p;
    }

    static String header(String secret, long t, String body) {
        return "t=" + t + ",v1=" + CallerAuthProcessor.sign(secret.getBytes(StandardCharsets.UTF_8), t,
                body.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> signedBargeIn(String body, String signature) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url("/webhook/cognigy/barge-in"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("Jambonz-Signature", signature);
        }
        return send(request);
    }

    private void cognigyAcknowledges() {
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(okJson("{}")));
        cognigy.stubFor(post(urlPathMatching(".*/variables")).willReturn(okJson("{}")));
        cognigy.stubFor(post(urlPathMatching(".*/messages")).willReturn(okJson("{}")));
    }

    @Test
    void aSignatureWithTheCurrentOrThePreviousSecretIsAccepted() {
        cognigyAcknowledges();
        String body = sample("barge-in-confident.json");
        String other = body.replace("1718452901234", "1718452909999");

        assertThat(signedBargeIn(body, header(NEW, Instant.now().getEpochSecond(), body)).statusCode()).isEqualTo(200);
        // signed 299 s before it is sent: the first call may take seconds on a cold, busy machine
        assertThat(signedBargeIn(other, header(OLD, Instant.now().getEpochSecond() - 299, other)).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stale", "future", "wrong secret", "body altered by one byte", "no header", "garbage",
        "no timestamp", "no v1", "timestamp not a number", "empty v1"})
    void anythingElseIs401AndNothingIsSent(String kind) {
        cognigyAcknowledges();
        long now = Instant.now().getEpochSecond();
        String body = sample("barge-in-confident.json");
        String signature = switch (kind) {
            case "stale" -> header(NEW, now - 301, body);
            case "future" -> header(NEW, now + 301, body);
            case "wrong secret" -> header("guess", now, body);
            case "body altered by one byte" -> header(NEW, now, body.replace("0.89", "0.99"));
            case "no header" -> null;
            case "garbage" -> "this is not a signature";
            case "no timestamp" -> header(NEW, now, body).replaceFirst("t=\\d+,", "");
            case "no v1" -> "t=" + now;
            case "timestamp not a number" -> header(NEW, now, body).replaceFirst("t=\\d+", "t=soon");
            default -> "t=" + now + ",v1=";
        };

        // a pattern: how old or ahead the timestamp is depends on when the request arrives
        String reason = switch (kind) {
            case "stale" -> "stale Jambonz-Signature timestamp \\(3\\d\\d s old, tolerance 300 s\\)";
            case "future" -> "stale Jambonz-Signature timestamp \\(\\d+ s ahead, tolerance 300 s\\)";
            case "wrong secret", "body altered by one byte" -> "wrong signature \\(no signing secret makes it for this body\\)";
            case "no header" -> "no Jambonz-Signature header";
            case "timestamp not a number" -> "malformed Jambonz-Signature header \\(t is not a number\\)";
            default -> "malformed Jambonz-Signature header \\(needs t=<unix seconds>,v1=<signature>\\)";
        };

        try (LogCapture logs = LogCapture.open()) {
            HttpResponse<String> answer = signedBargeIn(body, signature);

            assertThat(answer.statusCode()).isEqualTo(401);
            assertThat(answer.body()).isEqualTo("{\"error\":\"Unauthorized\"}");
            cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                    .matches("barge-in-webhook caller refused: " + reason + ", correlationId=[0-9A-F-]+"));
            // neither the secrets nor the signature the caller sent
            String sent = signature == null || !signature.matches(".*v1=[0-9a-f]+") ? OLD : signature.replaceAll("^.*v1=", "");
            assertThat(logs.lines()).noneSatisfy(line -> assertThat(line).containsAnyOf(OLD, NEW, sent));
        }
    }

    @Test
    void asrWebhookWithBasicAuthNeedsTheRightCredentials() throws Exception {
        cognigyAcknowledges();
        String right = "Basic " + Base64.getEncoder().encodeToString("voice:gateway-pass".getBytes(StandardCharsets.UTF_8));
        String wrong = "Basic " + Base64.getEncoder().encodeToString("voice:guess".getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> ok = send(HttpRequest.newBuilder(url("/webhook")).header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .header("Authorization", right).POST(HttpRequest.BodyPublishers.ofString(sample("asr-high-confidence.json"))));
        HttpResponse<String> refused;
        HttpResponse<String> missing;
        HttpResponse<String> notBasic;
        try (LogCapture logs = LogCapture.open()) {
            refused = send(HttpRequest.newBuilder(url("/webhook")).header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                    .header("Authorization", wrong).POST(HttpRequest.BodyPublishers.ofString(sample("asr-low-confidence.json"))));
            missing = send(HttpRequest.newBuilder(url("/webhook")).header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString(sample("asr-low-confidence.json"))));
            notBasic = send(HttpRequest.newBuilder(url("/webhook")).header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                    .header("Authorization", "Bearer gateway-pass")
                    .POST(HttpRequest.BodyPublishers.ofString(sample("asr-low-confidence.json"))));

            assertThat(logs.lines()).filteredOn(line -> line.startsWith("asr-confidence-webhook caller refused: "))
                    .map(line -> line.substring(0, line.indexOf(", correlationId=")))
                    .containsExactly("asr-confidence-webhook caller refused: wrong Basic user or password",
                            "asr-confidence-webhook caller refused: no Authorization header",
                            "asr-confidence-webhook caller refused: Authorization header is not Basic");
            assertThat(logs.lines()).noneSatisfy(line -> assertThat(line).containsAnyOf("gateway-pass", "guess",
                    wrong.substring(6), right.substring(6)));
        }

        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(notBasic.statusCode()).isEqualTo(401);
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
        org.awaitility.Awaitility.await().until(() -> recordFiles().size() == 1);
        assertThat(Files.readAllLines(recordFiles().get(0))).hasSize(1);
    }

    /** The record files, without the writers' lock .acoustic-records.lock beside them. */
    private List<Path> recordFiles() throws IOException {
        try (var files = Files.list(acousticDir)) {
            return files.filter(f -> !f.getFileName().toString().startsWith(".")).toList();
        }
    }

    @Test
    void aMissingOrUnknownApiKeyIsLoggedAsSuchNeverTheKey() {
        try (LogCapture logs = LogCapture.open()) {
            HttpResponse<String> missing = send(HttpRequest.newBuilder(url("/webhook"))
                    .POST(HttpRequest.BodyPublishers.ofString(sample("asr-low-confidence.json"))));
            HttpResponse<String> unknown = send(HttpRequest.newBuilder(url("/webhook")).header("X-Cognigy-API-Key", "guessed-key-93")
                    .POST(HttpRequest.BodyPublishers.ofString(sample("asr-low-confidence.json"))));

            assertThat(missing.statusCode()).isEqualTo(401);
            assertThat(unknown.statusCode()).isEqualTo(401);
            assertThat(unknown.body()).isEqualTo("{\"error\":\"Unauthorized\"}");
            assertThat(logs.lines()).filteredOn(line -> line.startsWith("asr-confidence-webhook caller refused: "))
                    .map(line -> line.substring(0, line.indexOf(", correlationId=")))
                    .containsExactly("asr-confidence-webhook caller refused: no X-Cognigy-API-Key header",
                            "asr-confidence-webhook caller refused: unknown X-Cognigy-API-Key");
            assertThat(logs.lines()).noneSatisfy(line -> assertThat(line).containsAnyOf("guessed-key-93", ASR_WEBHOOK_KEY));
        }
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }
}
