package org.acme.voicewebhooks.bargein;

import org.acme.voicewebhooks.settings.Settings;
import org.acme.voicewebhooks.settings.BeansSupport;
import org.apache.camel.BindToRegistry;
import org.apache.camel.Configuration;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.apache.camel.support.builder.ExpressionBuilder;
import org.acme.voicewebhooks.webhook.WebhookEvent;
import org.acme.voicewebhooks.cognigy.CognigyCall;
import org.acme.voicewebhooks.cognigy.CognigySettings;
import org.acme.voicewebhooks.observe.WebhookMetrics;

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

    /** The stop-TTS command's call (cognigy.command.abort-tts) for this barge-in. */
    @BindToRegistry
    public Expression abortTtsCall(Settings settings, CognigySettings cognigy) {
        return once("abortTtsCall", () -> bargeInCommands(settings).call(cognigy.abortTts()));
    }

    /** The state-reset command's call (cognigy.command.reset-state) for this barge-in. */
    @BindToRegistry
    public Expression resetStateCall(Settings settings, CognigySettings cognigy) {
        return once("resetStateCall", () -> bargeInCommands(settings).call(cognigy.resetState()));
    }

    /** bargein_stop_seconds: from the barge-in's arrival to Cognigy's acknowledgement of the stop. */
    @BindToRegistry
    public Processor bargeInStopTimer(WebhookMetrics metrics) {
        return once("bargeInStopTimer", () -> exchange -> {
            if (exchange.getProperty(CognigyCall.PROPERTY, CognigyCall.class).enabled()) {
                metrics.bargeInStop(exchange.getClock().elapsed());
            }
        });
    }

    /** The same barge-in is the same session and timestamp. */
    @BindToRegistry
    public Expression bargeInDuplicateKey() {
        return once("bargeInDuplicateKey", () -> ExpressionBuilder.exchangeExpression(
                exchange -> exchange.getProperty(WebhookEvent.PROPERTY, BargeInEvent.class).deliveryKey()));
    }
}
