package org.acme.voicewebhooks.asr;

import java.util.Optional;

import javax.sql.DataSource;

import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.webhook.ApiKeyProcessor;
import org.acme.voicewebhooks.settings.BeansSupport;
import org.apache.camel.BindToRegistry;
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
    public AsrSettings asrSettings() {
        return once("asrSettings", () -> AsrSettings.from(settings(), getCamelContext().getPropertiesComponent()));
    }

    /** The key callers must send as X-Cognigy-API-Key, compared in constant time. */
    @BindToRegistry
    public ApiKeyProcessor asrApiKey() {
        return once("asrApiKey", () -> new ApiKeyProcessor("X-Cognigy-API-Key", asrSettings().webhookApiKey()));
    }

    /** DUPLICATES_STORE=postgres: the count is shared in {@code <prefix>_clarifications}. */
    @BindToRegistry
    public ClarificationGuard clarificationGuard() {
        return once("clarificationGuard", () -> ClarificationGuard.from(settings(), asrSettings(),
                        Optional.ofNullable(bean("webhooksDataSource", DataSource.class)),
                        sharedPrefix(), metrics()));
    }

    @BindToRegistry
    public AsrDecisions asrDecisions() {
        return once("asrDecisions", () -> new AsrDecisions(json(),
                        asrSettings(), clarificationGuard(), metrics()));
    }

    /** No asr.confidence and asr.missing-confidence is reject. */
    @BindToRegistry
    public Predicate asrConfidenceRefused() {
        return once("asrConfidenceRefused", () -> asrDecisions().confidenceRefused());
    }

    /** Below the node's, else the flow's, else the default threshold; the shadow threshold only recorded. */
    @BindToRegistry
    public Expression asrDecision() {
        return once("asrDecision", () -> asrDecisions().decision());
    }

    @BindToRegistry
    public Predicate asrBelowThreshold() {
        return once("asrBelowThreshold", () -> asrDecisions().belowThreshold());
    }

    /** Below the threshold, but the session had asr.max-clarifications within the window. */
    @BindToRegistry
    public Predicate asrLoopGuardReached() {
        return once("asrLoopGuardReached", () -> asrDecisions().loopGuardReached());
    }

    /** Counts a clarification Cognigy acknowledged in its session's window. */
    @BindToRegistry
    public Processor asrCountClarification() {
        return once("asrCountClarification", () -> asrDecisions().countClarification());
    }

    /** The clarification's call (cognigy.command.clarify) for this utterance (400 when a template needs a missing field). */
    @BindToRegistry
    public Expression clarifyCall() {
        return once("clarifyCall", () -> {
            CognigySettings cognigy = bean("cognigySettings", CognigySettings.class);
            return ExpressionBuilder.exchangeExpression(exchange -> {
                AsrEvent event = exchange.getProperty(WebhookEvent.PROPERTY, AsrEvent.class);
                return cognigy.clarify().call(event, event.templateValues(), exchange.getProperty(DuplicateGuard.KEY, String.class), 400);
            });
        });
    }

    @BindToRegistry
    public Expression asrEscalation() {
        return once("asrEscalation", () -> asrDecisions().escalation());
    }

    @BindToRegistry
    public Expression asrNextNode() {
        return once("asrNextNode", () -> asrDecisions().nextNode());
    }

    private WebhookMetrics metrics() {
        return bean("webhookMetrics", WebhookMetrics.class);
    }
}
