package org.acme.voicewebhooks.cognigy;

import org.acme.voicewebhooks.webhook.WebhookEvent;
import org.acme.voicewebhooks.cognigy.auth.AccessTokenProcessor;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.webhook.Budget;
import org.acme.voicewebhooks.webhook.BudgetSpentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import org.acme.voicewebhooks.cognigy.ratelimit.CognigyRateLimiter;
import org.apache.camel.BeanInject;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;

/** The Cognigy calls: login, and one authenticated JSON POST that every command goes through. */
public final class CognigyClientRoutes extends RouteBuilder {

    public static final String LOGIN = "direct:cognigy-login";
    /** An RFC 6749 client-credentials token request, form-encoded. */
    public static final String OAUTH2_TOKEN = "direct:cognigy-oauth2-token";
    /**
     * Posts the body as JSON to the path in exchange property {@link #PATH}; the body becomes Cognigy's compact JSON
     * answer, or, once the retries or the budget are spent, JSON null: the command is then dead-lettered and noted in
     * {@link CommandFailures}, and the caller goes on.
     */
    public static final String CALL = "direct:cognigy-call";
    /** The same call for a replayed dead letter: failures come back as exceptions and nothing is dead-lettered. */
    public static final String REPLAY_CALL = "direct:cognigy-replay-call";
    public static final String PATH = "cognigyPath";
    /** Which command this is (the calling route's id), for the dead-letter store and the log. */
    public static final String COMMAND = "cognigyCommand";
    /** The command's JSON body as sent, kept for the dead-letter store. */
    public static final String BODY = "cognigyBody";
    /** The command's Idempotency-Key: the same on every retry and replay, so a server that honours it acts once. */
    public static final String IDEMPOTENCY_KEY = "cognigyIdempotencyKey";
    /** How the call authenticates: a {@link CognigyCommand.Auth}. */
    public static final String AUTH = "cognigyAuth";
    /** The HTTP method of the call. */
    public static final String METHOD = "cognigyMethod";
    /** Whether a failure after the request may have reached Cognigy (e.g. a read timeout) is retried. */
    public static final String RETRY_AMBIGUOUS = "cognigyRetryAmbiguous";
    /** The statuses that mean success (a set of integers); any 2xx when absent. */
    public static final String SUCCESS = "cognigySuccessStatuses";
    /** How many attempts the current Cognigy call has made. */
    public static final String ATTEMPTS = "cognigyAttempts";
    private static final String ATTEMPT = "direct:cognigy-attempt";

    @BeanInject
    private CognigySettings settings;
    @BeanInject
    private ObjectMapper jsonMapper;
    @BeanInject("accessTokenProcessor")
    private AccessTokenProcessor accessTokenProcessor;
    @BeanInject("oauth2TokenProcessor")
    private AccessTokenProcessor oauth2TokenProcessor;
    @BeanInject
    private Budget budget;
    @BeanInject
    private WebhookMetrics webhookMetrics;

    @Override
    public void configure() {
        String loginBody = jsonMapper.createObjectNode()
                .put("clientId", settings.clientId())
                .put("clientSecret", settings.clientSecret())
                .toString();

        // COGNIGY_RATE_LIMIT: when it is set, every request below takes a token first; when not, no step at all
        CognigyRateLimiter limiter = getCamelContext().getRegistry()
                .lookupByNameAndType("cognigyRateLimiter", CognigyRateLimiter.class);

        RouteDefinition login = from(LOGIN).routeId("cognigy-login").routeConfigurationId(CognigyRedelivery.LOGIN_RETRY)
                .description("Exchange the client credentials for a bearer token")
                .removeHeaders("*")
                .setHeader(Exchange.HTTP_METHOD, constant(HttpMethods.POST))
                .setHeader(Exchange.HTTP_PATH, constant(settings.loginPath()))
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                .setBody(constant(loginBody));
        if (limiter != null) {
            login.process(limiter::acquireForLogin).id("rate-limit-login");
        }
        login.to(settings.baseUrl()).id("call-cognigy-login")
                .convertBodyTo(String.class);

        settings.oauth2().ifPresent(oauth2 -> {
            RouteDefinition token = from(OAUTH2_TOKEN).routeId("cognigy-oauth2-token")
                    .routeConfigurationId(CognigyRedelivery.LOGIN_RETRY)
                    .description("Client-credentials grant at the OAuth2 token endpoint")
                    .removeHeaders("*")
                    .setHeader(Exchange.HTTP_METHOD, constant(HttpMethods.POST))
                    .setProperty(PATH, constant(oauth2.tokenUrl()))
                    .process(CognigyClientRoutes::target)
                    .setHeader(Exchange.CONTENT_TYPE, constant("application/x-www-form-urlencoded"))
                    .setBody(constant(oauth2.form()));
            if (limiter != null) {
                token.process(limiter::acquireForLogin).id("rate-limit-oauth2-token");
            }
            token.to(settings.baseUrl()).id("call-cognigy-oauth2-token")
                    .convertBodyTo(String.class);
        });

        call(CALL, "cognigy-call", CognigyRedelivery.COMMAND_RETRY,
                "POST one command to Cognigy within the webhook's budget; inbound headers never reach Cognigy", null);
        // replays take a token last, so a burst of them never starves stop-TTS
        call(REPLAY_CALL, "cognigy-replay-call", CognigyRedelivery.REPLAY_RETRY,
                "POST one replayed dead letter to Cognigy", limiter == null ? null : CognigyRateLimiter.Priority.REPLAY);

        // redelivery repeats this whole route, so every attempt gets fresh credentials and what is left of the budget
        ProcessorDefinition<?> attempt = from(ATTEMPT).routeId("cognigy-attempt").errorHandler(noErrorHandler())
                .description("One attempt of a Cognigy call: its headers, credentials and timeouts")
                // the enum, as a String header costs a slow type-converter lookup on every call
                .process(e -> e.getMessage().setHeader(Exchange.HTTP_METHOD,
                        HttpMethods.valueOf(e.getProperty(METHOD, String.class))))
                .process(CognigyClientRoutes::target)
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                .setHeader("Idempotency-Key", exchangeProperty(IDEMPOTENCY_KEY))
                .process(this::startAttempt)
                .choice()
                    .when(exchangeProperty(AUTH).isEqualTo(CognigyCommand.Auth.API_KEY))
                        .setHeader(settings.apiKeyHeader(), constant(settings.apiKey()))
                    .when(exchangeProperty(AUTH).isEqualTo(CognigyCommand.Auth.LOGIN_TOKEN))
                        .process(accessTokenProcessor)
                    .when(exchangeProperty(AUTH).isEqualTo(CognigyCommand.Auth.OAUTH2))
                        .process(oauth2TokenProcessor)
                .end();
        if (limiter != null) {
            // after the credentials: a token is spent only on a request that is sent (a login takes its own)
            attempt.process(limiter::acquireForCommand).id("rate-limit-command");
        }
        attempt.to(settings.baseUrl()).id("call-cognigy")
                .process(exchange -> Budget.clearThread())
                .process(CognigyClientRoutes::requireSuccessStatus);
    }

    /** Before each attempt: refuse when too little time is left, else cut this thread's HTTP timeouts to it. */
    private void startAttempt(Exchange exchange) {
        if (!budget.allowsAttemptAfter(exchange, 0)) {
            throw new BudgetSpentException(budget.budgetMs());
        }
        int attempts = exchange.getProperty(ATTEMPTS, 0, Integer.class);
        String command = exchange.getProperty(COMMAND, "unknown", String.class);
        if (attempts > 0) {
            webhookMetrics.retry(command);
        }
        exchange.setProperty(ATTEMPTS, attempts + 1);
        WebhookEvent event = exchange.getProperty(WebhookEvent.PROPERTY, WebhookEvent.class);
        Budget.onThread(budget.deadline(exchange), command, event == null ? null : event.logId());
    }

    /** A path goes under the base URL; a full URL (another host, e.g. an Endpoint's inject URL) is called as it is. */
    private static void target(Exchange exchange) {
        String target = exchange.getProperty(PATH, String.class);
        exchange.getMessage().setHeader(target.startsWith("/") ? Exchange.HTTP_PATH : Exchange.HTTP_URI, target);
    }

    /** A 2xx the command does not count as success fails like any other status (no retry: it is not transient). */
    private static void requireSuccessStatus(Exchange exchange) throws HttpOperationFailedException {
        Set<?> success = exchange.getProperty(SUCCESS, Set.class);
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
        if (success != null && !success.contains(status)) {
            throw new HttpOperationFailedException(exchange.getProperty(PATH, String.class), status, "not a success status",
                    null, Map.of(), exchange.getMessage().getBody(String.class));
        }
    }

    /** The key of one command of one delivery: a hash of the delivery's duplicate key and the command's name. */
    public static String idempotencyKey(String deliveryKey, String command) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((deliveryKey + "|" + command).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A call route; {@code ratePriority}, when given, overrides the rate-limit priority of the command's name. */
    private void call(String uri, String id, String configuration, String description,
            CognigyRateLimiter.Priority ratePriority) {
        // a step before the call and one after it: redelivery copies the exchange at every step of this route
        from(uri).routeId(id).routeConfigurationId(configuration)
                .description(description)
                .process(exchange -> beforeCall(exchange, ratePriority))
                .to(ATTEMPT)
                .process(this::compactAnswer);
    }

    /** No inbound header reaches Cognigy, no earlier call's token or attempts count; the body is kept for each attempt. */
    private static void beforeCall(Exchange exchange, CognigyRateLimiter.Priority ratePriority) {
        exchange.getMessage().getHeaders().clear();
        exchange.removeProperty(AccessTokenProcessor.TOKEN_SENT);
        exchange.removeProperty(ATTEMPTS);
        exchange.removeProperty(Budget.OUT_OF_TIME);
        exchange.setProperty(BODY, exchange.getMessage().getBody());
        exchange.setProperty(CognigyRateLimiter.PRIORITY, ratePriority != null ? ratePriority
                : CognigyRateLimiter.priorityOf(exchange.getProperty(COMMAND, String.class)));
    }

    /** Cognigy's answer as compact JSON to embed in ours: empty is null, non-JSON text becomes a JSON string. */
    private void compactAnswer(Exchange exchange) throws IOException {
        String body = exchange.getMessage().getBody(String.class);
        exchange.getMessage().getHeaders().clear();
        if (body == null || body.isBlank()) {
            exchange.getMessage().setBody("null");
            return;
        }
        try {
            exchange.getMessage().setBody(jsonMapper.readTree(body).toString());
        } catch (JsonProcessingException notJson) {
            exchange.getMessage().setBody(TextNode.valueOf(body).toString());
        }
    }
}
