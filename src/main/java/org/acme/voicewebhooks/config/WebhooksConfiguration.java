package org.acme.voicewebhooks.config;

import java.time.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import org.acme.voicewebhooks.asr.AsrAnswers;
import org.acme.voicewebhooks.asr.AsrSettings;
import org.acme.voicewebhooks.asr.ClarificationGuard;
import org.acme.voicewebhooks.asr.PostgresClarificationCount;
import org.acme.voicewebhooks.bargein.BargeInAnswers;
import org.acme.voicewebhooks.bargein.BargeInCommands;
import org.acme.voicewebhooks.bargein.BargeInSettings;
import org.acme.voicewebhooks.bargein.BargeInVerdicts;
import org.acme.voicewebhooks.cognigy.AccessTokenProcessor;
import org.acme.voicewebhooks.cognigy.CamelTokenClient;
import org.acme.voicewebhooks.cognigy.Budget;
import org.acme.voicewebhooks.cognigy.BudgetTimeouts;
import org.acme.voicewebhooks.cognigy.CognigyCallTimer;
import org.acme.voicewebhooks.cognigy.CognigyClientRoutes;
import org.acme.voicewebhooks.cognigy.CognigyRateLimiter;
import org.acme.voicewebhooks.cognigy.RateLimitSettings;
import org.acme.voicewebhooks.cognigy.CognigySettings;
import org.acme.voicewebhooks.cognigy.CommandFailures;
import org.acme.voicewebhooks.deadletter.DeadLetterQueue;
import org.acme.voicewebhooks.deadletter.DeadLetterReplay;
import org.acme.voicewebhooks.deadletter.DeadLetterStoreHealth;
import org.acme.voicewebhooks.deadletter.DeadLetters;
import org.acme.voicewebhooks.duplicates.DuplicateGuard;
import org.acme.voicewebhooks.duplicates.PostgresDeliveryWindow;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.observe.WebhookOutcomes;
import org.acme.voicewebhooks.observe.WebhookRoutesHealthCheck;
import org.acme.voicewebhooks.records.AcousticPrivacy;
import org.acme.voicewebhooks.records.AcousticRecords;
import org.acme.voicewebhooks.records.AcousticStream;
import org.acme.voicewebhooks.records.AcousticSettings;
import org.acme.voicewebhooks.web.ApiKeyProcessor;
import org.acme.voicewebhooks.web.CallerAuthProcessor;
import org.acme.voicewebhooks.web.FailureAnswerProcessor;
import org.acme.voicewebhooks.web.PayloadAnswers;
import org.acme.voicewebhooks.web.JsonAnswerProcessor;
import org.acme.voicewebhooks.web.JsonContentTypeProcessor;
import org.acme.voicewebhooks.web.JsonErrorHandlers;
import org.acme.voicewebhooks.web.StartingAnswer;
import javax.sql.DataSource;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;

/** Checks the settings and binds the shared beans before any route is built. */
@Configuration
public class WebhooksConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = Settings.of(context);
        try {
            bind(context, settings);
        } catch (InvalidSettingException e) {
            settings.problem(e.getMessage());   // found by a reader of its own; named with the others
        }
        settings.stopIfInvalid();
    }

    private void bind(CamelContext context, Settings settings) throws Exception {
        ObjectMapper json = strictJson();
        CognigySettings cognigy = CognigySettings.from(settings, json);
        BargeInSettings bargeIn = BargeInSettings.from(settings);
        AsrSettings asr = AsrSettings.from(settings, context.getPropertiesComponent());
        AcousticSettings acoustic = AcousticSettings.from(settings);
        WebhookMetrics metrics = new WebhookMetrics(context);
        Budget budget = new Budget(settings.number("webhook.budget-ms", 100, 60_000), cognigy.retry().minAttemptMs(),
                settings.number("webhook.answer-reserve-ms", 0, 10_000), metrics);
        configureHttpClient(context, cognigy, budget, metrics, settings);
        context.getManagementStrategy().addEventNotifier(new WebhookOutcomes(metrics));
        // 405, 413 and the server's other own refusals answer JSON like the routes
        context.addStartupListener(new JsonErrorHandlers());
        // until the routes run: 503 Starting with Retry-After, never Vert.x's 404
        StartingAnswer.install(context);
        // Camel's route checks miss a route that is gone (a failed reload): ready only while both webhooks run
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            health.register(new WebhookRoutesHealthCheck(List.of("barge-in-webhook", "asr-confidence-webhook")));
        }

        Registry registry = context.getRegistry();
        registry.bind("jsonMapper", ObjectMapper.class, json);
        String sharedPrefix = settings.text("shared.prefix");
        if (!sharedPrefix.matches("[a-z][a-z0-9_]{0,39}")) {
            settings.problem("SHARED_STORE_PREFIX (setting shared.prefix) must be lower-case letters, digits and _, was '"
                    + sharedPrefix + "'");
        }
        registry.bind("sharedPrefix", String.class, sharedPrefix);
        Optional<DataSource> database = Database.from(settings);
        if (database.isPresent()) {
            DataSource dataSource = database.get();
            registry.bind("webhooksDataSource", DataSource.class, dataSource);
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() throws Exception {
                    ((AutoCloseable) dataSource).close();
                }
            }, true, true);
        }
        DeadLetterQueue deadLetterQueue = rabbitMqStores(context, settings, sharedPrefix, budget, metrics);
        registry.bind("cognigySettings", CognigySettings.class, cognigy);
        registry.bind("webhookMetrics", WebhookMetrics.class, metrics);
        registry.bind("budget", Budget.class, budget);
        // COGNIGY_RATE_LIMIT: off (no bean, no route step, no SQL) unless set
        Optional<RateLimitSettings> rateLimit = RateLimitSettings.from(settings);
        if (rateLimit.isPresent()) {
            CognigyRateLimiter limiter = new CognigyRateLimiter(rateLimit.get(), database.orElse(null), sharedPrefix, budget, metrics);
            registry.bind("cognigyRateLimiter", CognigyRateLimiter.class, limiter);
            context.addService(limiter, true, true);
        }
        CommandFailures commandFailures = new CommandFailures(new FailureAnswerProcessor(json, PayloadAnswers.NONE, budget));
        registry.bind("commandFailures", CommandFailures.class, commandFailures);
        registry.bind("commandFailed", Predicate.class, commandFailures.any());
        registry.bind("commandFailureAnswer", Processor.class, commandFailures.answer());
        // a HealthCheck bean joins readiness: down while the dead-letter store cannot write
        registry.bind("deadLetterStoreHealth", DeadLetterStoreHealth.class, new DeadLetterStoreHealth(
                settings.text("deadletter.endpoint").startsWith("file:") ? Path.of(settings.text("deadletter.dir")) : null,
                Clock.systemUTC()));
        registry.bind("deadLetters", DeadLetters.class,
                new DeadLetters(json, cognigy.baseUrl(), AcousticSettings.instanceName(settings), Clock.systemUTC()));
        registry.bind("bargeInSettings", BargeInSettings.class, bargeIn);
        registry.bind("bargeInCommands", BargeInCommands.class, new BargeInCommands(bargeIn));
        BargeInVerdicts verdicts = new BargeInVerdicts(bargeIn);
        registry.bind("bargeInVerdict", Expression.class, verdicts.verdict());
        registry.bind("bargeInBackchannelStopsTts", Predicate.class, verdicts.backchannelStopsTts());
        registry.bind("bargeInDuplicateKey", Expression.class, BargeInAnswers.duplicateKey());
        registry.bind("asrSettings", AsrSettings.class, asr);
        // DUPLICATES_STORE=postgres: the reprompt loop guard counts in <prefix>_clarifications; its cleanup route binds to it
        ClarificationGuard clarificationGuard = ClarificationGuard.from(settings, asr, database, sharedPrefix, metrics);
        clarificationGuard.shared().ifPresent(count -> registry.bind("postgresClarificationCount",
                PostgresClarificationCount.class, count));
        AsrAnswers asrAnswers = new AsrAnswers(json, asr, clarificationGuard, metrics);
        registry.bind("asrConfidenceRefused", Predicate.class, asrAnswers.confidenceRefused());
        registry.bind("asrDecision", Expression.class, asrAnswers.decision());
        registry.bind("asrBelowThreshold", Predicate.class, asrAnswers.belowThreshold());
        registry.bind("asrLoopGuardReached", Predicate.class, asrAnswers.loopGuardReached());
        registry.bind("asrEscalation", Expression.class, asrAnswers.escalation());
        registry.bind("asrNextNode", Expression.class, asrAnswers.nextNode());
        // a bare JSON null parses to no event at all
        registry.bind("noEvent", Predicate.class, (Predicate) exchange -> exchange.getMessage().getBody() == null);
        registry.bind("asrApiKey", ApiKeyProcessor.class, new ApiKeyProcessor("X-Cognigy-API-Key", asr.webhookApiKey()));
        registry.bind("acousticSettings", AcousticSettings.class, acoustic);
        registry.bind("acousticRecords", AcousticRecords.class,
                new AcousticRecords(json, acoustic, Clock.systemUTC(), AcousticPrivacy.from(settings)));
        // DUPLICATES_STORE=postgres: one window for all instances; the cleanup route binds to it
        PostgresDeliveryWindow sharedWindow = PostgresDeliveryWindow.from(settings, database, sharedPrefix,
                budget.budgetMs(), metrics).orElse(null);
        if (sharedWindow != null) {
            registry.bind("postgresDeliveryWindow", PostgresDeliveryWindow.class, sharedWindow);
        }
        DuplicateGuard duplicateGuard = new DuplicateGuard(
                Duration.ofSeconds(settings.number("duplicates.window-seconds", 1, 86_400)),
                settings.number("duplicates.capacity", 1, 10_000_000),
                (int) settings.number("duplicates.max-waiters", 0, 1_000),
                sharedRepository(context, settings), sharedWindow, budget, settings.text("asr.delivery-id-header"), metrics);
        registry.bind("duplicateGuard", DuplicateGuard.class, duplicateGuard);
        registry.bind("asrDuplicateKey", Expression.class, duplicateGuard.asrKey());
        Duration replayMaxAge = Duration.ofSeconds(settings.number("deadletter.replay-max-age-seconds", 1, 31_536_000));
        Optional<String> adminKey = settings.optional("admin.api-key");
        if (adminKey.isPresent()) {
            Path deadLetterDir = Path.of(settings.required("deadletter.dir", "DEAD_LETTER_DIR"));
            // the ledger of replayed ids: recent ones cached, every one checked against the file, never trimmed
            IdempotentRepository replayed = FileIdempotentRepository.fileIdempotentRepository(
                    deadLetterDir.resolve("replayed-ids.txt").toFile(), 10_000, 0);
            context.addService(replayed);
            registry.bind("adminApiKey", ApiKeyProcessor.class, new ApiKeyProcessor("X-Admin-Key", adminKey.get()));
            registry.bind("deadLetterReplay", DeadLetterReplay.class, new DeadLetterReplay(json, deadLetterDir,
                    replayMaxAge, replayed, AcousticSettings.instanceName(settings), Clock.systemUTC(), deadLetterQueue,
                    (int) settings.number("deadletter.replay-max-attempts", 1, 1_000)));
        }
        registry.bind("bargeInCallerAuth", CallerAuthProcessor.class, CallerAuthProcessor.from(settings, "bargein", Clock.systemUTC()));
        registry.bind("asrCallerAuth", CallerAuthProcessor.class, CallerAuthProcessor.from(settings, "asr", Clock.systemUTC()));
        registry.bind("jsonContentType", JsonContentTypeProcessor.class, new JsonContentTypeProcessor());
        registry.bind("jsonAnswer", JsonAnswerProcessor.class, new JsonAnswerProcessor());
        registry.bind("oauth2TokenProcessor", AccessTokenProcessor.class, new AccessTokenProcessor(
                new CamelTokenClient(context, json, Clock.systemUTC(), metrics, CognigyClientRoutes.OAUTH2_TOKEN,
                        "access_token", "expires_in"), Clock.systemUTC(), cognigy.tokenRefreshMargin()));
        registry.bind("accessTokenProcessor", AccessTokenProcessor.class, new AccessTokenProcessor(
                new CamelTokenClient(context, json, Clock.systemUTC(), metrics), Clock.systemUTC(), cognigy.tokenRefreshMargin()));
    }

    /**
     * The stores DEAD_LETTER_STORE and ACOUSTIC_STORE put in RabbitMQ, on one connection; they declare their queues as
     * the service starts. Returns the dead-letter queue, or null when dead letters stay in files.
     */
    private static DeadLetterQueue rabbitMqStores(CamelContext context, Settings settings, String prefix, Budget budget,
            WebhookMetrics metrics) throws Exception {
        boolean deadLetters = RabbitMq.uses(settings, "deadletter.store", "DEAD_LETTER_STORE");
        boolean records = RabbitMq.uses(settings, "acoustic.store", "ACOUSTIC_STORE");
        if (!deadLetters && !records) {
            return null;
        }
        RabbitMq rabbit = RabbitMq.from(settings);
        long confirmTimeoutMs = settings.number("rabbitmq.confirm-timeout-ms", 10, 60_000);
        DeadLetterQueue queue = deadLetters
                ? new DeadLetterQueue(rabbit, prefix, confirmTimeoutMs, budget.budgetMs(), metrics) : null;
        AcousticStream stream = records ? new AcousticStream(rabbit, prefix, confirmTimeoutMs, metrics) : null;
        if (queue != null) {
            context.getRegistry().bind("deadLetterQueue", DeadLetterQueue.class, queue);
        }
        if (stream != null) {
            context.getRegistry().bind("acousticStream", AcousticStream.class, stream);
        }
        context.addService(new ServiceSupport() {
            @Override
            protected void doStart() {
                if (queue != null) {
                    queue.start();
                }
                if (stream != null) {
                    stream.start();
                }
            }

            @Override
            protected void doStop() {
                rabbit.close();
            }
        }, true, true);
        return queue;
    }

    /** The shared Camel idempotent repository named by duplicates.repository, if any (several instances). */
    private static IdempotentRepository sharedRepository(CamelContext context, Settings settings) {
        return settings.optional("duplicates.repository").map(name -> {
            IdempotentRepository repository = context.getRegistry().lookupByNameAndType(name, IdempotentRepository.class);
            if (repository == null) {
                throw new InvalidSettingException("duplicates.repository names no IdempotentRepository bean: '" + name + "'");
            }
            return repository;
        }).orElse(null);
    }

    /** The Cognigy connection for both schemes: pooled keep-alive, only Camel retries, timeouts cut to the budget. */
    private static void configureHttpClient(CamelContext context, CognigySettings cognigy, Budget budget, WebhookMetrics metrics,
            Settings settings) {
        BudgetTimeouts timeouts = new BudgetTimeouts(cognigy.connectTimeout(), cognigy.readTimeout(), budget.budgetMs());
        CognigyCallTimer timer = new CognigyCallTimer(metrics, cognigy.loginPath());
        for (String scheme : new String[] {"http", "https"}) {
            HttpComponent http = context.getComponent(scheme, HttpComponent.class);
            http.setHttpClientConfigurer(builder -> builder
                    .addExecInterceptorFirst("webhook-budget", timeouts)
                    .addExecInterceptorFirst("cognigy-call-timer", timer));
            // HttpClient's own retries could stall for a whole Retry-After
            http.setAutomaticRetriesDisabled(true);
            http.setConnectTimeout(cognigy.connectTimeout().toMillis());
            http.setConnectionRequestTimeout(cognigy.connectTimeout().toMillis());
            http.setSoTimeout(cognigy.readTimeout().toMillis());
            http.setResponseTimeout(cognigy.readTimeout().toMillis());
            http.setMaxTotalConnections(cognigy.maxConnections());
            http.setConnectionsPerRoute(cognigy.maxConnections());
        }
        // certificates are verified against the JVM's trust store unless the deployment names its own
        settings.optional("cognigy.trust-store").ifPresent(trustStore -> {
            KeyStoreParameters store = new KeyStoreParameters();
            store.setResource(trustStore);
            store.setPassword(settings.optional("cognigy.trust-store-password").orElse(null));
            TrustManagersParameters trust = new TrustManagersParameters();
            trust.setKeyStore(store);
            SSLContextParameters tls = new SSLContextParameters();
            tls.setTrustManagers(trust);
            context.getComponent("https", HttpComponent.class).setSslContextParameters(tls);
        });
    }

    /** Strict types for payloads: "0.9" is not a number, 1.5 is not an integer, 5 is not a string. */
    static ObjectMapper strictJson() {
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
}
