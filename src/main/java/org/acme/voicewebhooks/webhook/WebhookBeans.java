package org.acme.voicewebhooks.webhook;

import java.time.Clock;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.settings.Settings;
import org.acme.voicewebhooks.settings.BeansSupport;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;

/** What both webhooks share: strict JSON, the budget, caller auth, the answers and how failures are answered. */
@Configuration
public class WebhookBeans extends BeansSupport {

    /** Strict types for payloads: "0.9" is not a number, 1.5 is not an integer, 5 is not a string. */
    @BindToRegistry
    public ObjectMapper jsonMapper() {
        return once("jsonMapper", () -> strictJson());
    }

    private static ObjectMapper strictJson() {
        JsonMapper mapper = JsonMapper.builder()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    @BindToRegistry
    public Budget budget() {
        return once("budget", () -> {
            Settings settings = settings();
            return new Budget(settings.number("webhook.budget-ms", 100, 60_000),
                    settings.number("cognigy.retry.min-attempt-ms", 1, 60_000), settings.number("webhook.answer-reserve-ms", 0, 10_000));
        });
    }

    @BindToRegistry
    public JsonContentTypeProcessor jsonContentType() {
        return once("jsonContentType", () -> new JsonContentTypeProcessor());
    }

    /** Keep it the flow's last step: it sends the body as a buffer that a later reader would use up. */
    @BindToRegistry
    public JsonAnswerProcessor jsonAnswer() {
        return once("jsonAnswer", () -> new JsonAnswerProcessor());
    }

    /** A bare JSON null parses to no event at all. */
    @BindToRegistry
    public Predicate noEvent() {
        return once("noEvent", () -> exchange -> exchange.getMessage().getBody() == null);
    }

    @BindToRegistry
    public CallerAuthProcessor bargeInCallerAuth() {
        return once("bargeInCallerAuth", () -> CallerAuthProcessor.from(settings(), "bargein", Clock.systemUTC()));
    }

    @BindToRegistry
    public CallerAuthProcessor asrCallerAuth() {
        return once("asrCallerAuth", () -> CallerAuthProcessor.from(settings(), "asr", Clock.systemUTC()));
    }

    /** X-Admin-Key of the admin endpoints; without ADMIN_API_KEY there is no admin endpoint: 404. */
    @BindToRegistry
    public Processor adminApiKey() {
        return once("adminApiKey", () -> settings().optional("admin.api-key")
                .<Processor>map(key -> new ApiKeyProcessor("X-Admin-Key", key))
                .orElse(exchange -> {
                    throw new WebhookException(404, "Not found");
                }));
    }

    /** A barge-in's failure: {@code 422 {"error":"Invalid payload: …"}} for a payload, else as for any webhook. */
    @BindToRegistry
    public FailureAnswerProcessor bargeInFailureAnswer() {
        return once("bargeInFailureAnswer",
                () -> new FailureAnswerProcessor(jsonMapper(), PayloadProblems::bargeIn, budget()));
    }

    /** An utterance's failure: the reference's 400 texts for a payload, else as for any webhook. */
    @BindToRegistry
    public FailureAnswerProcessor asrFailureAnswer() {
        return once("asrFailureAnswer", () -> new FailureAnswerProcessor(jsonMapper(), PayloadProblems::asr, budget()));
    }

    /** An admin call's failure: the status it names. */
    @BindToRegistry
    public FailureAnswerProcessor adminFailureAnswer() {
        return once("adminFailureAnswer", () -> new FailureAnswerProcessor(jsonMapper(), PayloadErrors.NONE, budget()));
    }

    /** A command given up: its failure is the answer unless an earlier command failed first. */
    @BindToRegistry
    public Processor rememberCommandFailure() {
        return once("rememberCommandFailure", () -> commandFailures()::failed);
    }

    @BindToRegistry
    public CommandFailures commandFailures() {
        return once("commandFailures", () -> new CommandFailures(new FailureAnswerProcessor(jsonMapper(), PayloadErrors.NONE, budget())));
    }

    /** A command of this webhook was dead-lettered instead of acknowledged. */
    @BindToRegistry
    public Predicate commandFailed() {
        return once("commandFailed", () -> commandFailures().any());
    }

    /** Every command of this webhook so far was acknowledged (none dead-lettered). */
    @BindToRegistry
    public Predicate commandsAcknowledged() {
        return once("commandsAcknowledged", () -> commandFailures().none());
    }

    /** The first failure's 502, or 503 when the dead-letter store could not take a command. */
    @BindToRegistry
    public Processor commandFailureAnswer() {
        return once("commandFailureAnswer", () -> commandFailures().answer());
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        context.getManagementStrategy().addEventNotifier(new WebhookOutcomes(bean("webhookMetrics", WebhookMetrics.class)));
        // 405, 413 and the server's other own refusals answer JSON like the routes
        context.addStartupListener(new JsonErrorHandlers());
        // until the routes run: 503 Starting with Retry-After, never Vert.x's 404
        StartingAnswer.install(context);
    }
}
