package org.acme.voicewebhooks.cognigy;

import java.time.Clock;

import javax.sql.DataSource;

import org.acme.voicewebhooks.cognigy.auth.AccessTokenCache;
import org.acme.voicewebhooks.cognigy.auth.CamelTokenClient;
import org.acme.voicewebhooks.cognigy.ratelimit.CognigyRateLimiter;
import org.acme.voicewebhooks.cognigy.ratelimit.RateLimitSettings;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.settings.BeansSupport;
import org.acme.voicewebhooks.settings.Settings;
import org.acme.voicewebhooks.webhook.Budget;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.support.builder.ExpressionBuilder;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/**
 * The Java of routes/cognigy-calls.camel.yaml: the Cognigy settings and commands, the call steps, the token enrich,
 * the retry arithmetic, the egress rate limiter and the HTTP client.
 */
@Configuration
public class CognigyBeans extends BeansSupport {

    public static final String LOGIN = "direct:cognigy-login";
    public static final String OAUTH2_TOKEN = "direct:cognigy-oauth2-token";

    @BindToRegistry
    public CognigySettings cognigySettings() {
        return once("cognigySettings", () -> CognigySettings.from(settings(), json()));
    }

    /** The call steps of cognigy-call and cognigy-attempt. */
    @BindToRegistry
    public CognigyCallSteps cognigyCallSteps() {
        return once("cognigyCallSteps", () -> new CognigyCallSteps(budget(), metrics(), json()));
    }

    @BindToRegistry
    public Predicate cognigyCallDisabled() {
        return once("cognigyCallDisabled", () -> cognigyCallSteps().disabled());
    }

    @BindToRegistry
    public Processor cognigyAttempt() {
        return once("cognigyAttempt", () -> cognigyCallSteps().attempt());
    }

    @BindToRegistry
    public Processor cognigyAcknowledged() {
        return once("cognigyAcknowledged", () -> cognigyCallSteps().acknowledged());
    }

    @BindToRegistry
    public Processor cognigyAnswer() {
        return once("cognigyAnswer", () -> cognigyCallSteps().answer());
    }

    /** The token enrich: a bearer token from the login or OAuth2 (each cached), or the API key. */
    @BindToRegistry
    public CognigyCredentials cognigyCredentials() {
        return once("cognigyCredentials", () -> {
            CognigySettings cognigy = cognigySettings();
            return new CognigyCredentials(tokens(LOGIN, "accessToken", "expiresIn"),
                    tokens(OAUTH2_TOKEN, "access_token", "expires_in"), cognigy.apiKeyHeader(), cognigy.apiKey());
        });
    }

    private AccessTokenCache tokens(String route, String tokenField, String expiresField) {
        return new AccessTokenCache(new CamelTokenClient(getCamelContext(), json(), Clock.systemUTC(), metrics(), route,
                tokenField, expiresField), Clock.systemUTC(), cognigySettings().tokenRefreshMargin());
    }

    @BindToRegistry
    public CognigyRetryPolicy cognigyRetryPolicy() {
        return once("cognigyRetryPolicy", () -> new CognigyRetryPolicy(budget(), cognigyCredentials()));
    }

    /** One WARN line per retry, naming the command, the session and what failed (never the URL). */
    @BindToRegistry
    public Processor cognigyRetryLog() {
        return once("cognigyRetryLog", () -> cognigyRetryPolicy()::logRetry);
    }

    @BindToRegistry
    public Processor cognigyTokenRefresh() {
        return once("cognigyTokenRefresh", () -> cognigyRetryPolicy()::refreshToken);
    }

    /** COGNIGY_RATE_LIMIT: bound only when set. */
    @BindToRegistry
    public CognigyRateLimiter cognigyRateLimiter() {
        return once("cognigyRateLimiter", () -> RateLimitSettings.from(settings()).map(limit -> new CognigyRateLimiter(limit,
                bean("webhooksDataSource", DataSource.class), sharedPrefix(), budget(), metrics())).orElse(null));
    }

    /** A token of the egress limit at the call's priority; nothing to do (no SQL) unless COGNIGY_RATE_LIMIT is set. */
    @BindToRegistry
    public Processor cognigyRateLimit() {
        return once("cognigyRateLimit", () -> {
            CognigyRateLimiter limiter = cognigyRateLimiter();
            return limiter == null ? exchange -> { }
                    : exchange -> limiter.acquire(exchange, exchange.getProperty(CognigyCall.PROPERTY, CognigyCall.class).priority());
        });
    }

    /** A token of the egress limit for a login, at normal priority. */
    @BindToRegistry
    public Processor cognigyRateLimitLogin() {
        return once("cognigyRateLimitLogin", () -> {
            CognigyRateLimiter limiter = cognigyRateLimiter();
            return limiter == null ? exchange -> { } : limiter::acquireForLogin;
        });
    }

    /** The login's {"clientId","clientSecret"}, made once from the settings. */
    @BindToRegistry
    public Expression cognigyLoginBody() {
        return once("cognigyLoginBody", () -> {
            CognigySettings cognigy = cognigySettings();
            return ExpressionBuilder.constantExpression(json().createObjectNode()
                    .put("clientId", cognigy.clientId()).put("clientSecret", cognigy.clientSecret()).toString());
        });
    }

    /** The OAuth2 client-credentials form (empty when no command uses oauth2). */
    @BindToRegistry
    public Expression cognigyOAuth2Form() {
        return once("cognigyOAuth2Form", () -> ExpressionBuilder.constantExpression(
                cognigySettings().oauth2().map(CognigySettings.OAuth2::form).orElse("")));
    }

    /** The OAuth2 token endpoint: a path under the base URL, or a full URL. */
    @BindToRegistry
    public Processor cognigyOAuth2Target() {
        return once("cognigyOAuth2Target", () -> {
            String target = cognigySettings().oauth2().map(CognigySettings.OAuth2::tokenUrl).orElse("/");
            String header = target.startsWith("/") ? Exchange.HTTP_PATH : Exchange.HTTP_URI;
            return exchange -> exchange.getMessage().setHeader(header, target);
        });
    }

    private Budget budget() {
        return bean("budget", Budget.class);
    }

    private WebhookMetrics metrics() {
        return bean("webhookMetrics", WebhookMetrics.class);
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        CognigyRateLimiter limiter = cognigyRateLimiter();
        if (limiter != null) {
            context.addService(limiter, true, true);
        }
        configureHttpClient(context, cognigySettings(), budget(), metrics(), settings());
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
}
