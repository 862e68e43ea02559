package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The barge-in verdict with the shipped phrases and minimum (one word), TTS left alone for a backchannel, and two
 * protected prompts: what the caller gets, what Cognigy receives, what is counted.
 */
class BargeInVerdictTest extends WebhookTestSupport {

    static final String WEBHOOK = "/webhook/cognigy/barge-in";
    static final String ABORT = "/api/v1/sessions/s-1/voice/commands";
    static final String VARIABLES = "/api/v1/sessions/s-1/variables";
    static final String STOPPED = "{\"success\":true,\"sessionId\":\"s-1\",\"commandExecuted\":\"stop\"}";
    static final String UPDATED = "{\"sessionId\":\"s-1\",\"updatedVariables\":5}";
    static final String STOP_BODY = "{\"command\":\"stop\",\"reason\":\"user_interrupt\",\"sessionId\":\"s-1\"}";

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        p.setProperty("bargein.protected-nodes", "node-legal-disclosure, node-terms");
        return p;
    }

    /** A barge-in of session s-1 with this transcript, confidence and nodeId (none when null). */
    static String bargeIn(String transcript, double confidence, String nodeId) {
        ObjectNode event = JsonNodeFactory.instance.objectNode()
                .put("sessionId", "s-1").put("event", "barge_in").put("confidence", confidence)
                .put("transcript", transcript).put("timestamp", 1718452901234L);
        if (nodeId != null) {
            event.put("nodeId", nodeId);
        }
        return event.toString();
    }

    static String bargeIn(String transcript) {
        return bargeIn(transcript, 0.9, null);
    }

    static String ignored(String abort, String reason) {
        return "{\"status\":\"processed\",\"abort\":" + abort + ",\"state\":{\"action\":\"ignored\",\"reason\":\"" + reason + "\"}}";
    }

    static String skipped(String reason) {
        return "{\"action\":\"skipped\",\"reason\":\"" + reason + "\"}";
    }

    void cognigyAnswersCommands() {
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(okJson(STOPPED)));
        cognigy.stubFor(post(urlEqualTo(VARIABLES)).willReturn(okJson(UPDATED)));
    }

    MeterRegistry meters() {
        return context.getRegistry().findSingleByType(MeterRegistry.class);
    }

    /** The interrupts counted with this verdict, once the outcome of the webhook has been noted. */
    void awaitCounted(String verdict) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                meters().find("bargein.interrupts").tag("verdict", verdict).counter()).isNotNull()
                .satisfies(c -> assertThat(c.count()).isEqualTo(1.0)));
        assertThat(meters().find("bargein.interrupts").counters()).hasSize(1);
    }

    /** Every shipped phrase, as said and with the case, punctuation and spaces a recogniser may add. */
    static Stream<Arguments> backchannels() {
        return Stream.of("ok", "okay", "uh-huh", "mm-hmm", "mhm", "yeah", "yes", "right", "sure")
                .flatMap(phrase -> Stream.of(phrase, phrase.toUpperCase() + ".",
                        Character.toUpperCase(phrase.charAt(0)) + phrase.substring(1) + "!", " " + phrase + " ",
                        "..." + phrase + "?!"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "\"{0}\" is a backchannel")
    @MethodSource("backchannels")
    void aBackchannelSendsNothingByDefault(String transcript) {
        cognigyAnswersCommands();

        HttpResponse<String> answer = postJson(WEBHOOK, bargeIn(transcript));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(ignored(skipped("backchannel"), "backchannel"));
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest(name = "\"{0}\" is genuine")
    @ValueSource(strings = {"okay, I want an agent", "yes please cancel it", "no, that's not right", "sure thing",
        "uh-huh uh-huh", "ok ok", "wait"})
    void aPhraseWithinALongerTranscriptIsGenuine(String transcript) {
        cognigyAnswersCommands();

        HttpResponse<String> answer = postJson(WEBHOOK, bargeIn(transcript));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"status\":\"processed\",\"abort\":" + STOPPED + ",\"state\":" + UPDATED + "}");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(ABORT)).withRequestBody(equalTo(STOP_BODY)));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(VARIABLES)));
    }

    @ParameterizedTest(name = "\"{0}\" has no word")
    @ValueSource(strings = {"", " ", "...", "?!", " - "})
    void aTranscriptWithoutAWordIsTooShort(String transcript) {
        cognigyAnswersCommands();

        HttpResponse<String> answer = postJson(WEBHOOK, bargeIn(transcript));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(ignored(skipped("too_short"), "too_short"));
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest(name = "nodeId {0} is protected")
    @ValueSource(strings = {"node-legal-disclosure", "node-terms"})
    void duringAProtectedPromptNothingIsSent(String nodeId) {
        cognigyAnswersCommands();

        HttpResponse<String> answer = postJson(WEBHOOK, bargeIn("no wait, I want to talk to an agent", 0.95, nodeId));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(ignored(skipped("protected_prompt"), "protected_prompt"));
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
        awaitCounted("protected_prompt");
    }

    @ParameterizedTest(name = "nodeId {0} is not protected")
    @ValueSource(strings = {"node-confirm-amount", "NODE-TERMS", "node-terms-2", ""})
    void duringAnyOtherNodeTheInterruptIsJudgedAsUsual(String nodeId) {
        cognigyAnswersCommands();

        HttpResponse<String> answer = postJson(WEBHOOK, bargeIn("no wait, I want to talk to an agent", 0.95, nodeId));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"status\":\"processed\",\"abort\":" + STOPPED + ",\"state\":" + UPDATED + "}");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(ABORT)));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(VARIABLES)));
    }

    @Test
    void withoutANodeIdTheInterruptIsJudgedAsUsual() {
        cognigyAnswersCommands();

        HttpResponse<String> answer = postJson(WEBHOOK, bargeIn("no wait", 0.95, null));

        assertThat(answer.body()).isEqualTo("{\"status\":\"processed\",\"abort\":" + STOPPED + ",\"state\":" + UPDATED + "}");
        awaitCounted("genuine");
    }

    @Test
    void theReadmeSamplesAreABackchannelAndAProtectedPrompt() {
        HttpResponse<String> backchannel = postJson(WEBHOOK, sample("barge-in-backchannel.json"));
        HttpResponse<String> protectedPrompt = postJson(WEBHOOK, sample("barge-in-protected-prompt.json"));

        assertThat(backchannel.body()).isEqualTo(ignored(skipped("backchannel"), "backchannel"));
        assertThat(protectedPrompt.body()).isEqualTo(ignored(skipped("protected_prompt"), "protected_prompt"));
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    @Test
    void aProtectedPromptWinsOverABackchannelAndLowConfidence() {
        HttpResponse<String> answer = postJson(WEBHOOK, bargeIn("okay", 0.1, "node-terms"));

        assertThat(answer.body()).isEqualTo(ignored(skipped("protected_prompt"), "protected_prompt"));
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    @Test
    void aBackchannelWinsOverLowConfidence() {
        HttpResponse<String> answer = postJson(WEBHOOK, bargeIn("Mm-hmm.", 0.2, null));

        assertThat(answer.body()).isEqualTo(ignored(skipped("backchannel"), "backchannel"));
        awaitCounted("backchannel");
    }

    @Test
    void aLowConfidenceInterruptStillStopsTtsAndKeepsTheState() {
        cognigyAnswersCommands();

        HttpResponse<String> answer = postJson(WEBHOOK, bargeIn("no wait", 0.5, null));

        assertThat(answer.body()).isEqualTo(ignored(STOPPED, "low_confidence"));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(ABORT)).withRequestBody(equalTo(STOP_BODY)));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(VARIABLES)));
        awaitCounted("low_confidence");
    }

    @Test
    void aTooShortInterruptIsCounted() {
        postJson(WEBHOOK, bargeIn(""));

        awaitCounted("too_short");
    }

    @Test
    void anIgnoredInterruptIsAnIgnoredOutcome() {
        postJson(WEBHOOK, bargeIn("yeah"));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(meters().find("webhooks")
                .tags("webhook", "barge-in-webhook", "outcome", "ignored").counter()).isNotNull());
    }

    @Test
    void timeToStopIsRecordedWhenCognigyAcknowledgesTheStop() {
        cognigyAnswersCommands();

        postJson(WEBHOOK, bargeIn("no wait", 0.95, null));

        Timer stop = meters().find("bargein.stop").timer();
        assertThat(stop).isNotNull();
        assertThat(stop.count()).isEqualTo(1);
        assertThat(stop.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(get("/observe/metrics"))
                .contains("bargein_stop_seconds_bucket{le=")
                .contains("bargein_stop_seconds_count 1")
                .contains("bargein_interrupts_total{verdict=\"genuine\"} 1"));
    }

    @Test
    void noStopTimeIsRecordedWhenTheStopIsNotAcknowledged() {
        cognigy.stubFor(post(urlEqualTo(ABORT)).willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                .withStatus(404)));
        cognigy.stubFor(post(urlEqualTo(VARIABLES)).willReturn(okJson(UPDATED)));

        HttpResponse<String> answer = postJson(WEBHOOK, bargeIn("no wait", 0.95, null));

        assertThat(answer.statusCode()).isEqualTo(502);
        Timer stop = meters().find("bargein.stop").timer();
        assertThat(stop == null ? 0 : stop.count()).isZero();
        awaitCounted("genuine");
    }

    @Test
    void noStopTimeIsRecordedWhenNoStopIsSent() {
        postJson(WEBHOOK, bargeIn("okay"));

        awaitCounted("backchannel");
        Timer stop = meters().find("bargein.stop").timer();
        assertThat(stop == null ? 0 : stop.count()).isZero();
    }

    @Test
    void aNodeIdThatIsNotAStringIs422() {
        HttpResponse<String> answer = postJson(WEBHOOK, bargeIn("no wait").replace("}", ",\"nodeId\":5}"));

        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(answer.body()).isEqualTo("{\"error\":\"Invalid payload: nodeId must be a string\"}");
    }

    String get(String path) {
        return send(java.net.http.HttpRequest.newBuilder(url(path)).GET()).body();
    }
}
