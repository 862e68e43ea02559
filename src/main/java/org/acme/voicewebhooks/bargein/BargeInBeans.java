package org.acme.voicewebhooks.bargein;

import org.acme.voicewebhooks.settings.Settings;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;

/** The barge-in webhook's settings, verdicts, command values and delivery key. */
@Configuration
public class BargeInBeans implements CamelConfiguration {

    // Camel calls the @BindToRegistry methods in an order of its own: a bean others here need is built once, on first use
    private BargeInSettings bargeIn;

    @BindToRegistry
    public BargeInSettings bargeInSettings(Settings settings) {
        if (bargeIn == null) {
            bargeIn = BargeInSettings.from(settings);
        }
        return bargeIn;
    }

    /** The values a barge-in's command templates can use. */
    @BindToRegistry
    public BargeInCommands bargeInCommands(Settings settings) {
        return new BargeInCommands(bargeInSettings(settings));
    }

    /** protected_prompt, backchannel, too_short, low_confidence or genuine, checked in that order. */
    @BindToRegistry
    public Expression bargeInVerdict(Settings settings) {
        return new BargeInVerdicts(bargeInSettings(settings)).verdict();
    }

    /** bargein.backchannel-stops-tts: a backchannel or too short interrupt still stops text-to-speech. */
    @BindToRegistry
    public Predicate bargeInBackchannelStopsTts(Settings settings) {
        return new BargeInVerdicts(bargeInSettings(settings)).backchannelStopsTts();
    }

    /** The same barge-in is the same session and timestamp. */
    @BindToRegistry
    public Expression bargeInDuplicateKey() {
        return BargeInAnswers.duplicateKey();
    }
}
