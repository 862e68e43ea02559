package org.acme.voicewebhooks.bargein;

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
    public BargeInSettings bargeInSettings() {
        return once("bargeInSettings", () -> BargeInSettings.from(settings()));
    }

    /** The values a barge-in's command templates can use. */
    @BindToRegistry
    public BargeInCommands bargeInCommands() {
        return once("bargeInCommands", () -> new BargeInCommands(bargeInSettings()));
    }

    /** protected_prompt, backchannel, too_short, low_confidence or genuine, checked in that order. */
    @BindToRegistry
    public Expression bargeInVerdict() {
        return once("bargeInVerdict", () -> new BargeInVerdicts(bargeInSettings()).verdict());
    }

    /** bargein.backchannel-stops-tts: a backchannel or too short interrupt still stops text-to-speech. */
    @BindToRegistry
    public Predicate bargeInBackchannelStopsTts() {
        return once("bargeInBackchannelStopsTts", () -> new BargeInVerdicts(bargeInSettings()).backchannelStopsTts());
    }

    /** The stop-TTS command's call (cognigy.command.abort-tts) for this barge-in. */
    @BindToRegistry
    public Expression abortTtsCall() {
        return once("abortTtsCall", () -> bargeInCommands().call(cognigy().abortTts()));
    }

    /** The state-reset command's call (cognigy.command.reset-state) for this barge-in. */
    @BindToRegistry
    public Expression resetStateCall() {
        return once("resetStateCall", () -> bargeInCommands().call(cognigy().resetState()));
    }

    /** bargein_stop_seconds: from the barge-in's arrival to Cognigy's acknowledgement of the stop. */
    @BindToRegistry
    public Processor bargeInStopTimer() {
        return once("bargeInStopTimer", () -> {
            WebhookMetrics metrics = bean("webhookMetrics", WebhookMetrics.class);
            return exchange -> {
                if (exchange.getProperty(CognigyCall.PROPERTY, CognigyCall.class).enabled()) {
                    metrics.bargeInStop(exchange.getClock().elapsed());
                }
            };
        });
    }

    /** The same barge-in is the same session and timestamp. */
    @BindToRegistry
    public Expression bargeInDuplicateKey() {
        return once("bargeInDuplicateKey", () -> ExpressionBuilder.exchangeExpression(
                exchange -> exchange.getProperty(WebhookEvent.PROPERTY, BargeInEvent.class).deliveryKey()));
    }

    private CognigySettings cognigy() {
        return bean("cognigySettings", CognigySettings.class);
    }
}
