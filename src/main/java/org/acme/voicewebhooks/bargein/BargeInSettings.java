package org.acme.voicewebhooks.bargein;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.acme.voicewebhooks.settings.Settings;

/** Barge-in settings, checked once at start-up. */
public record BargeInSettings(double confidenceThreshold, String detectedVariableKey, Set<String> backchannelPhrases,
        int minWords, boolean backchannelStopsTts, Set<String> protectedNodes) {

    public static BargeInSettings from(Settings s) {
        return new BargeInSettings(
                s.decimal("bargein.confidence-threshold", 0.0, 1.0, "BARGEIN_CONFIDENCE_THRESHOLD"),
                s.text("bargein.detected-variable-key"),
                phrases(s),
                (int) s.number("bargein.min-words", 0, 100),
                s.bool("bargein.backchannel-stops-tts"),
                Set.copyOf(list(s, "bargein.protected-nodes")));
    }

    /** The backchannel phrases as compared: lower case, punctuation dropped; one without a word is a problem. */
    private static Set<String> phrases(Settings s) {
        Set<String> phrases = new LinkedHashSet<>();
        for (String phrase : list(s, "bargein.backchannel-phrases")) {
            String compared = BargeInVerdicts.normalise(phrase);
            if (compared.isEmpty()) {
                s.problem("bargein.backchannel-phrases: '" + phrase + "' has no word to compare");
            } else {
                phrases.add(compared);
            }
        }
        return Set.copyOf(phrases);
    }

    /** A comma-separated list that may be empty as a whole, but has no empty entry. */
    private static List<String> list(Settings s, String key) {
        List<String> items = new ArrayList<>();
        String raw = s.optional(key).orElse("");
        if (raw.isEmpty()) {
            return items;
        }
        for (String item : raw.split(",", -1)) {
            if (item.isBlank()) {
                s.problem(key + " must be a comma-separated list without empty entries, was '" + raw + "'");
                continue;
            }
            items.add(item.strip());
        }
        return items;
    }
}
