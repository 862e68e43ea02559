package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SecretsStayOutOfLogsTest extends WebhookTestSupport {

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
}
