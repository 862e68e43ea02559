package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.acme.voicewebhooks.BargeInVerdictTest.ABORT;
import static org.acme.voicewebhooks.BargeInVerdictTest.STOPPED;
import static org.acme.voicewebhooks.BargeInVerdictTest.STOP_BODY;
import static org.acme.voicewebhooks.BargeInVerdictTest.UPDATED;
import static org.acme.voicewebhooks.BargeInVerdictTest.VARIABLES;
import static org.acme.voicewebhooks.BargeInVerdictTest.WEBHOOK;
import static org.acme.voicewebhooks.BargeInVerdictTest.bargeIn;
import static org.acme.voicewebhooks.BargeInVerdictTest.ignored;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Properties;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** bargein.backchannel-stops-tts=true and bargein.min-words=3: TTS stops for every interrupt, the state only resets for genuine ones. */
class BargeInVerdictStopsTtsTest extends WebhookTestSupport {

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        p.setProperty("bargein.backchannel-stops-tts", "true");
        p.setProperty("bargein.min-words", "3");
        p.setProperty("bargein.protected-nodes", "node-legal-disclosure");
        return p;
    }

    @ParameterizedTest(name = "\"{0}\": {1}")
    @CsvSource(delimiter = '|', value = {
        "Uh-huh!|backchannel",
        "OK.|backchannel",
        "' yeah '|backchannel",
        "''|too_short",
        "wait|too_short",
        "no wait|too_short",
        "don't stop|too_short",
        "no, wait!|too_short",
        "no wait please|genuine",
        "I want an agent|genuine",
        "mm-hmm mm-hmm mm-hmm|genuine",
    })
    void everyInterruptStopsTtsAndOnlyAGenuineOneResetsTheState(String transcript, String verdict) {
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(okJson(STOPPED)));
        cognigy.stubFor(post(urlEqualTo(VARIABLES)).willReturn(okJson(UPDATED)));

        HttpResponse<String> answer = postJson(WEBHOOK, bargeIn(transcript));

        assertThat(answer.statusCode()).isEqualTo(200);
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(ABORT)).withRequestBody(equalTo(STOP_BODY)));
        if (verdict.equals("genuine")) {
            assertThat(answer.body()).isEqualTo("{\"status\":\"processed\",\"abort\":" + STOPPED + ",\"state\":" + UPDATED + "}");
            cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(VARIABLES)));
        } else {
            assertThat(answer.body()).isEqualTo(ignored(STOPPED, verdict));
            cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(VARIABLES)));
        }
    }

    @ParameterizedTest(name = "a protected prompt stops nothing, even with \"{0}\"")
    @CsvSource({"okay", "no wait please"})
    void aProtectedPromptStillSendsNothing(String transcript) {
        HttpResponse<String> answer = postJson(WEBHOOK, bargeIn(transcript, 0.9, "node-legal-disclosure"));

        assertThat(answer.body()).isEqualTo(ignored(BargeInVerdictTest.skipped("protected_prompt"), "protected_prompt"));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(ABORT)));
    }
}
