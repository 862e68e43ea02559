package org.acme.voicewebhooks.bargein;

import org.acme.voicewebhooks.webhook.WebhookOutcomes;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.acme.voicewebhooks.webhook.WebhookEvent;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;
import org.apache.camel.support.builder.ExpressionBuilder;

/**
 * What kind of interrupt a barge-in is, checked in this order: said during a protected prompt, only a backchannel
 * ("okay", "uh-huh"), fewer words than {@code bargein.min-words}, below the confidence threshold, else genuine.
 */
public final class BargeInVerdicts {

    /** The exchange property the route keeps the verdict in; the outcome notifier counts it. */
    public static final String PROPERTY = WebhookOutcomes.VERDICT;
    public static final String PROTECTED_PROMPT = "protected_prompt";
    public static final String BACKCHANNEL = "backchannel";
    public static final String TOO_SHORT = "too_short";
    public static final String LOW_CONFIDENCE = "low_confidence";
    public static final String GENUINE = "genuine";

    /** Anything but letters, digits and spaces separates words: "Uh-huh!" is compared as "uh huh". */
    private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{M}\\p{N}\\s]+");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    /** A word: letters and digits, joined by apostrophes or hyphens ("don't", "mm-hmm" are one word each). */
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{M}\\p{N}]+(?:['’-][\\p{L}\\p{M}\\p{N}]+)*");

    private final Set<String> protectedNodes;
    private final Set<String> backchannelPhrases;
    private final int minWords;
    private final double confidenceThreshold;
    private final boolean backchannelStopsTts;

    public BargeInVerdicts(BargeInSettings settings) {
        this.protectedNodes = settings.protectedNodes();
        this.backchannelPhrases = settings.backchannelPhrases();
        this.minWords = settings.minWords();
        this.confidenceThreshold = settings.confidenceThreshold();
        this.backchannelStopsTts = settings.backchannelStopsTts();
    }

    /** The verdict on the event in property "event": one of the constants above. */
    public Expression verdict() {
        return ExpressionBuilder.exchangeExpression(
                exchange -> verdict(exchange.getProperty(WebhookEvent.PROPERTY, BargeInEvent.class)));
    }

    /** bargein.backchannel-stops-tts: a backchannel or too short interrupt still stops text-to-speech. */
    public Predicate backchannelStopsTts() {
        return exchange -> backchannelStopsTts;
    }

    String verdict(BargeInEvent event) {
        if (event.nodeId() != null && protectedNodes.contains(event.nodeId())) {
            return PROTECTED_PROMPT;
        }
        if (backchannelPhrases.contains(normalise(event.transcript()))) {
            return BACKCHANNEL;
        }
        if (words(event.transcript()) < minWords) {
            return TOO_SHORT;
        }
        return event.confidence() >= confidenceThreshold ? GENUINE : LOW_CONFIDENCE;
    }

    /** Lower case, punctuation as spaces, one space between words, none around: the form phrases are compared in. */
    static String normalise(String text) {
        String spaced = NOT_WORD.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ");
        return SPACES.matcher(spaced).replaceAll(" ").strip();
    }

    static int words(String text) {
        Matcher words = WORD.matcher(text);
        int n = 0;
        while (words.find()) {
            n++;
        }
        return n;
    }
}
