package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import org.acme.voicewebhooks.webhook.CallerAuthProcessor;
import org.junit.jupiter.api.Test;

class SecretsStayOutOfLogsTest extends WebhookTestSupport {

    /** In every secret setting's value, so a log line that shows any of them shows this. */
    private static final String MARKER = "Zq7mark";

    private static final String TOKEN = "tok-3b9f1c77e2";
    private static final String FRESH_TOKEN = "tok-a81d5e0c44";

    @Test
    void credentialsAndTokensAppearInNoLogLineAndNoAnswer() {
        cognigy.stubFor(post(urlEqualTo(LOGIN)).inScenario("login").whenScenarioStateIs("Started")
                .willReturn(okJson("{\"accessToken\":\"" + TOKEN + "\",\"expiresIn\":3600}")).willSetStateTo("again"));
        cognigy.stubFor(post(urlEqualTo(LOGIN)).inScenario("login").whenScenarioStateIs("again")
                .willReturn(okJson("{\"accessToken\":\"" + FRESH_TOKEN + "\",\"expiresIn\":3600}")));
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .willReturn(aResponse().withStatus(401).withBody("{\"error\":\"token " + TOKEN + " revoked\"}")));
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).withHeader("Authorization", equalTo("Bearer " + FRESH_TOKEN))
                .willReturn(aResponse().withStatus(503)));

        List<String> answers = new ArrayList<>();
        try (LogCapture logs = LogCapture.open()) {
            HttpResponse<String> answer = postJson("/webhook/cognigy/barge-in", sample("barge-in-confident.json"));
            answers.add(answer.body());
            assertThat(answer.statusCode()).isEqualTo(502);

            assertThat(logs.lines()).isNotEmpty().noneSatisfy(line -> assertThat(line)
                    .containsAnyOf(CLIENT_SECRET, TOKEN, FRESH_TOKEN));
        }
        assertThat(answers).noneSatisfy(a -> assertThat(a).containsAnyOf(CLIENT_SECRET, TOKEN, FRESH_TOKEN, "Exception"));
    }

    @Test
    void everySecretSettingIsMaskedInTheStartUpSummaryAndInEveryLogLine() throws Exception {
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(okJson("{}")));
        cognigy.stubFor(post(urlPathMatching(".*/variables")).willReturn(okJson("{}")));
        cognigy.stubFor(post(urlPathMatching(".*/messages")).willReturn(okJson("{}")));
        // every secret of application.properties and the profiles
        Properties p = useOverridePropertiesWithPropertiesComponent();
        p.setProperty("service.instance-name", "secrets");
        // a cold instance's first webhook logs in and calls twice: on a busy machine that must not spend the budget
        p.setProperty("webhook.budget-ms", "15000");
        p.setProperty("camel.ssl.keystore-password", MARKER + "-keystore-password");
        p.setProperty("cognigy.client-secret", MARKER + "-client-secret");
        p.setProperty("cognigy.api-key", MARKER + "-cognigy-api-key");
        p.setProperty("cognigy.oauth2.client-secret", MARKER + "-oauth2-client-secret");
        p.setProperty("cognigy.trust-store-password", MARKER + "-trust-store-password");
        p.setProperty("bargein.caller-auth", "jambonz-signature");
        p.setProperty("bargein.signing-secrets", MARKER + "-old-signing-secret," + MARKER + "-signing-secret");
        p.setProperty("bargein.basic-auth", "voice:" + MARKER + "-bargein-basic");
        p.setProperty("asr.webhook-api-key", MARKER + "-asr-webhook-key");
        p.setProperty("asr.caller-auth", "basic");
        p.setProperty("asr.signing-secrets", MARKER + "-asr-signing-secret");
        p.setProperty("asr.basic-auth", "voice:" + MARKER + "-asr-basic");
        p.setProperty("acoustic.pseudonymise-key", MARKER + "-pseudonymise-key");
        p.setProperty("database.url", "jdbc:postgresql://127.0.0.1:5432/test?password=" + MARKER + "-database-url");
        p.setProperty("database.password", MARKER + "-database-password");
        p.setProperty("rabbitmq.url", "amqp://guest:" + MARKER + "-rabbitmq-url@127.0.0.1:5672/%2F");
        p.setProperty("admin.api-key", MARKER + "-admin-key");
        String bargeIn = sample("barge-in-confident.json");
        long now = Instant.now().getEpochSecond();
        String signature = "t=" + now + ",v1=" + CallerAuthProcessor.sign(
                (MARKER + "-signing-secret").getBytes(StandardCharsets.UTF_8), now, bargeIn.getBytes(StandardCharsets.UTF_8));
        String basic = "Basic " + Base64.getEncoder().encodeToString(("voice:" + MARKER + "-asr-basic")
                .getBytes(StandardCharsets.UTF_8));
        List<HttpResponse<String>> answers = new ArrayList<>();

        try (LogCapture logs = LogCapture.open()) {
            try (ServiceInstance instance = ServiceInstance.start(p)) {
                answers.add(send(HttpRequest.newBuilder(URI.create(instance.url("/webhook/cognigy/barge-in")))
                        .header("Content-Type", "application/json").header("Jambonz-Signature", signature)
                        .POST(HttpRequest.BodyPublishers.ofString(bargeIn))));
                answers.add(send(HttpRequest.newBuilder(URI.create(instance.url("/webhook")))
                        .header("X-Cognigy-API-Key", MARKER + "-asr-webhook-key").header("Authorization", basic)
                        .POST(HttpRequest.BodyPublishers.ofString(sample("asr-low-confidence.json")))));
                answers.add(send(HttpRequest.newBuilder(URI.create(instance.url("/webhook")))
                        .header("X-Cognigy-API-Key", MARKER + "-asr-webhook-key").header("Authorization", "Basic " + MARKER)
                        .POST(HttpRequest.BodyPublishers.ofString(sample("asr-high-confidence.json")))));
                answers.add(send(HttpRequest.newBuilder(URI.create(instance.url("/admin/dead-letters/replay")))
                        .header("X-Admin-Key", MARKER + "-admin-key").POST(HttpRequest.BodyPublishers.ofString("{\"all\":true}"))));
                answers.add(send(HttpRequest.newBuilder(URI.create(instance.url("/admin/dead-letters/replay")))
                        .header("X-Admin-Key", MARKER + "-guess").POST(HttpRequest.BodyPublishers.ofString("{}"))));
            }

            assertThat(logs.lines()).noneSatisfy(line -> assertThat(line).containsIgnoringCase(MARKER));
            assertThat(answers).extracting(HttpResponse::statusCode).containsExactly(200, 200, 401, 200, 401);
            // the summary was logged, each secret in it masked
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).endsWith("acoustic.pseudonymise-key = xxxxxx"));
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).endsWith("asr.webhook-api-key = xxxxxx"));
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                    .endsWith("rabbitmq.url = amqp://xxxxxx@127.0.0.1:5672/%2F"));
        }
        assertThat(answers).noneSatisfy(a -> assertThat(a.body()).containsIgnoringCase(MARKER));
    }
}
