package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.acme.voicewebhooks.BargeInVerdictTest.ABORT;
import static org.acme.voicewebhooks.BargeInVerdictTest.STOPPED;
import static org.acme.voicewebhooks.BargeInVerdictTest.UPDATED;
import static org.acme.voicewebhooks.BargeInVerdictTest.VARIABLES;
import static org.acme.voicewebhooks.BargeInVerdictTest.WEBHOOK;
import static org.acme.voicewebhooks.BargeInVerdictTest.bargeIn;
import static org.acme.voicewebhooks.BargeInVerdictTest.ignored;
import static org.acme.voicewebhooks.BargeInVerdictTest.skipped;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Properties;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** bargein.min-words=0 turns the length check off; the backchannel phrases still apply. */
class BargeInVerdictNoMinimumTest extends WebhookTestSupport {

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        p.setProperty("bargein.min-words", "0");
        return p;
    }

    @ParameterizedTest(name = "\"{0}\" is genuine")
    @ValueSource(strings = {"", "...", "wait"})
    void anyTranscriptIsLongEnough(String transcript) {
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(okJson(STOPPED)));
        cognigy.stubFor(post(urlEqualTo(VARIABLES)).willReturn(okJson(UPDATED)));

        HttpResponse<String> answer = postJson(WEBHOOK, bargeIn(transcript));

        assertThat(answer.body()).isEqualTo("{\"status\":\"processed\",\"abort\":" + STOPPED + ",\"state\":" + UPDATED + "}");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(VARIABLES)));
    }

    @ParameterizedTest(name = "\"{0}\" is still a backchannel")
    @ValueSource(strings = {"okay", "Right."})
    void backchannelsAreStillIgnored(String transcript) {
        HttpResponse<String> answer = postJson(WEBHOOK, bargeIn(transcript));

        assertThat(answer.body()).isEqualTo(ignored(skipped("backchannel"), "backchannel"));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(ABORT)));
    }
}
