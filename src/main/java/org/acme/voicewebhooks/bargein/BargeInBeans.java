package org.acme.voicewebhooks.bargein;

import org.acme.voicewebhooks.settings.Settings;
import org.acme.voicewebhooks.settings.BeansSupport;
import org.apache.camel.BindToRegistry;
import org.apache.camel.Configuration;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;

/** The barge-in webhook's settings, verdicts, command values and delivery key. */
@Configuration
public class BargeInBeans extends BeansSupport {

    @BindToRegistry
    public BargeInSettings bargeInSettings(Settings settings) {
        return once("bargeInSettings", () -> BargeInSettings.from(settings));
    }

    /** The values a barge-in's command templates can use. */
    @BindToRegistry
    public BargeInCommands bargeInCommands(Settings settings) {
        return once("bargeInCommands", () -> new BargeInCommands(bargeInSettings(settings)));
    }

    /** protected_prompt, backchannel, too_short, low_confidence or genuine, checked in that order. */
    @BindToRegistry
    public Expression bargeInVerdict(Settings settings) {
        return once("bargeInVerdict", () -> new BargeInVerdicts(bargeInSettings(settings)).verdict());
    }

    /** bargein.backchannel-stops-tts: a backchannel or too short interrupt still stops text-to-speech. */
    @BindToRegistry
    public Predicate bargeInBackchannelStopsTts(Settings settings) {
        return once("bargeInBackchannelStopsTts", () -> new BargeInVerdicts(bargeInSettings(settings)).backchannelStopsTts());
    }

    /** The same barge-in is the same session and timestamp. */
    @BindToRegistry
    public Expression bargeInDuplicateKey() {
        return once("bargeInDuplicateKey", () -> BargeInAnswers.duplicateKey());
    }
}
