package org.acme.voicewebhooks.bargein;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How transcripts are compared and counted, and the order of the checks. */
class BargeInVerdictsTest {

    private static final BargeInVerdicts VERDICTS = new BargeInVerdicts(new BargeInSettings(0.75, "cx.barage_in_detected",
            Set.of("okay", "uh huh"), 2, false, Set.of("node-legal-disclosure")));

    @ParameterizedTest(name = "\"{0}\" is compared as \"{1}\"")
    @CsvSource(delimiter = '|', value = {
        "OK.|ok", "Uh-huh!|uh huh", "' yeah '|yeah", "Mm-Hmm…|mm hmm", "'  no,   WAIT '|no wait", "¿Sí?|sí", "''|''",
    })
    void transcriptsAreComparedInLowerCaseWithoutPunctuation(String transcript, String compared) {
        assertThat(BargeInVerdicts.normalise(transcript)).isEqualTo(compared);
    }

    @ParameterizedTest(name = "\"{0}\" has {1} words")
    @CsvSource(delimiter = '|', value = {"''|0", "...|0", "wait|1", "don't stop|2", "mm-hmm|1", "no, wait!|2", " a - b |2"})
    void wordsAreCounted(String transcript, int words) {
        assertThat(BargeInVerdicts.words(transcript)).isEqualTo(words);
    }

    @ParameterizedTest(name = "\"{0}\" at {1} on {2}: {3}")
    @CsvSource(delimiter = '|', value = {
        "okay|0.1|node-legal-disclosure|protected_prompt",
        "Okay!|0.1||backchannel",
        "Uh huh.|0.9|node-other|backchannel",
        "wait|0.9||too_short",
        "no wait|0.5||low_confidence",
        "no wait|0.75||genuine",
        "okay okay|0.9||genuine",
    })
    void theFirstCheckThatAppliesDecides(String transcript, double confidence, String nodeId, String verdict) {
        BargeInEvent event = new BargeInEvent("s-1", "barge_in", confidence, transcript, 1L, null, null, nodeId);

        assertThat(VERDICTS.verdict(event)).isEqualTo(verdict);
    }
}
