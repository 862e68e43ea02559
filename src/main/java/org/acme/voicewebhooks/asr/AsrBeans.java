package org.acme.voicewebhooks.asr;

import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.settings.Settings;
import org.acme.voicewebhooks.webhook.ApiKeyProcessor;
import org.apache.camel.BeanInject;
import org.acme.voicewebhooks.settings.BeansSupport;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.apache.camel.support.builder.ExpressionBuilder;
import org.acme.voicewebhooks.cognigy.CognigySettings;
import org.acme.voicewebhooks.duplicates.DuplicateGuard;
import org.acme.voicewebhooks.webhook.WebhookEvent;

/** The ASR webhook's settings, key, decisions and reprompt loop guard. */
@Configuration
public class AsrBeans extends BeansSupport {

    @BindToRegistry
    public AsrSettings asrSettings(Settings settings, CamelContext context) {
        return once("asrSettings", () -> AsrSettings.from(settings, context.getPropertiesComponent()));
    }

    /** The key callers must send as X-Cognigy-API-Key, compared in constant time. */
    @BindToRegistry
    public ApiKeyProcessor asrApiKey(Settings settings, CamelContext context) {
        return once("asrApiKey", () -> new ApiKeyProcessor("X-Cognigy-API-Key", asrSettings(settings, context).webhookApiKey()));
    }

    /** DUPLICATES_STORE=postgres: the count is shared in {@code <prefix>_clarifications}. */
    @BindToRegistry
    public ClarificationGuard clarificationGuard(Settings settings, CamelContext context) {
        return once("clarificationGuard", () -> ClarificationGuard.from(settings, asrSettings(settings, context),
                        Optional.ofNullable(context.getRegistry().lookupByNameAndType("webhooksDataSource", DataSource.class)),
                        context.getRegistry().lookupByNameAndType("sharedPrefix", String.class), metrics(context)));
    }

    @BindToRegistry
    public AsrDecisions asrDecisions(Settings settings, CamelContext context) {
        return once("asrDecisions", () -> new AsrDecisions(context.getRegistry().lookupByNameAndType("jsonMapper", ObjectMapper.class),
                        asrSettings(settings, context), clarificationGuard(settings, context), metrics(context)));
    }

    /** No asr.confidence and asr.missing-confidence is reject. */
    @BindToRegistry
    public Predicate asrConfidenceRefused(Settings settings, CamelContext context) {
        return once("asrConfidenceRefused", () -> asrDecisions(settings, context).confidenceRefused());
    }

    /** Below the node's, else the flow's, else the default threshold; the shadow threshold only recorded. */
    @BindToRegistry
    public Expression asrDecision(Settings settings, CamelContext context) {
        return once("asrDecision", () -> asrDecisions(settings, context).decision());
    }

    @BindToRegistry
    public Predicate asrBelowThreshold(Settings settings, CamelContext context) {
        return once("asrBelowThreshold", () -> asrDecisions(settings, context).belowThreshold());
    }

    /** Below the threshold, but the session had asr.max-clarifications within the window. */
    @BindToRegistry
    public Predicate asrLoopGuardReached(Settings settings, CamelContext context) {
        return once("asrLoopGuardReached", () -> asrDecisions(settings, context).loopGuardReached());
    }

    /** Counts a clarification Cognigy acknowledged in its session's window. */
    @BindToRegistry
    public Processor asrCountClarification(Settings settings, CamelContext context) {
        return once("asrCountClarification", () -> asrDecisions(settings, context).countClarification());
    }

    /** The clarification's call (cognigy.command.clarify) for this utterance (400 when a template needs a missing field). */
    @BindToRegistry
    public Expression clarifyCall(CognigySettings cognigy) {
        return once("clarifyCall", () -> ExpressionBuilder.exchangeExpression(exchange -> {
            AsrEvent event = exchange.getProperty(WebhookEvent.PROPERTY, AsrEvent.class);
            return cognigy.clarify().call(event, event.templateValues(), exchange.getProperty(DuplicateGuard.KEY, String.class), 400);
        }));
    }

    @BindToRegistry
    public Expression asrEscalation(Settings settings, CamelContext context) {
        return once("asrEscalation", () -> asrDecisions(settings, context).escalation());
    }

    @BindToRegistry
    public Expression asrNextNode(Settings settings, CamelContext context) {
        return once("asrNextNode", () -> asrDecisions(settings, context).nextNode());
    }

    private static WebhookMetrics metrics(CamelContext context) {
        return context.getRegistry().lookupByNameAndType("webhookMetrics", WebhookMetrics.class);
    }
}
