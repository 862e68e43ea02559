package org.acme.voicewebhooks.asr;

import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.settings.Settings;
import org.acme.voicewebhooks.webhook.ApiKeyProcessor;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;

/** The ASR webhook's settings, key, decisions and reprompt loop guard. */
@Configuration
public class AsrBeans implements CamelConfiguration {

    // Camel calls the @BindToRegistry methods in an order of its own: a bean others here need is built once, on first use
    private AsrSettings asr;
    private ClarificationGuard guard;
    private AsrAnswers answers;

    @BindToRegistry
    public AsrSettings asrSettings(Settings settings, CamelContext context) {
        if (asr == null) {
            asr = AsrSettings.from(settings, context.getPropertiesComponent());
        }
        return asr;
    }

    /** The key callers must send as X-Cognigy-API-Key, compared in constant time. */
    @BindToRegistry
    public ApiKeyProcessor asrApiKey(Settings settings, CamelContext context) {
        return new ApiKeyProcessor("X-Cognigy-API-Key", asrSettings(settings, context).webhookApiKey());
    }

    /** DUPLICATES_STORE=postgres: the count is shared in {@code <prefix>_clarifications}. */
    @BindToRegistry
    public ClarificationGuard clarificationGuard(Settings settings, CamelContext context) {
        if (guard == null) {
            guard = ClarificationGuard.from(settings, asrSettings(settings, context),
                    Optional.ofNullable(context.getRegistry().lookupByNameAndType("webhooksDataSource", DataSource.class)),
                    context.getRegistry().lookupByNameAndType("sharedPrefix", String.class), metrics(context));
        }
        return guard;
    }

    @BindToRegistry
    public AsrAnswers asrAnswers(Settings settings, CamelContext context) {
        if (answers == null) {
            answers = new AsrAnswers(context.getRegistry().lookupByNameAndType("jsonMapper", ObjectMapper.class),
                    asrSettings(settings, context), clarificationGuard(settings, context), metrics(context));
        }
        return answers;
    }

    /** No asr.confidence and asr.missing-confidence is reject. */
    @BindToRegistry
    public Predicate asrConfidenceRefused(Settings settings, CamelContext context) {
        return asrAnswers(settings, context).confidenceRefused();
    }

    /** Below the node's, else the flow's, else the default threshold; the shadow threshold only recorded. */
    @BindToRegistry
    public Expression asrDecision(Settings settings, CamelContext context) {
        return asrAnswers(settings, context).decision();
    }

    @BindToRegistry
    public Predicate asrBelowThreshold(Settings settings, CamelContext context) {
        return asrAnswers(settings, context).belowThreshold();
    }

    /** Below the threshold, but the session had asr.max-clarifications within the window. */
    @BindToRegistry
    public Predicate asrLoopGuardReached(Settings settings, CamelContext context) {
        return asrAnswers(settings, context).loopGuardReached();
    }

    @BindToRegistry
    public Expression asrEscalation(Settings settings, CamelContext context) {
        return asrAnswers(settings, context).escalation();
    }

    @BindToRegistry
    public Expression asrNextNode(Settings settings, CamelContext context) {
        return asrAnswers(settings, context).nextNode();
    }

    private static WebhookMetrics metrics(CamelContext context) {
        return context.getRegistry().lookupByNameAndType("webhookMetrics", WebhookMetrics.class);
    }
}
