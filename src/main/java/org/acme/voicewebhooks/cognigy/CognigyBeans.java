package org.acme.voicewebhooks.cognigy;

import java.time.Clock;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.acme.voicewebhooks.cognigy.auth.AccessTokenProcessor;
import org.acme.voicewebhooks.cognigy.auth.CamelTokenClient;
import org.acme.voicewebhooks.cognigy.ratelimit.CognigyRateLimiter;
import org.acme.voicewebhooks.cognigy.ratelimit.RateLimitSettings;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.settings.Settings;
import org.acme.voicewebhooks.webhook.Budget;
import org.apache.camel.BeanInject;
import org.acme.voicewebhooks.settings.BeansSupport;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/** The Cognigy connection: its settings and commands, the token processors, the rate limiter and the HTTP client. */
@Configuration
public class CognigyBeans extends BeansSupport {

    @BindToRegistry
    public CognigySettings cognigySettings(Settings settings, @BeanInject("jsonMapper") ObjectMapper json) {
        return once("cognigySettings", () -> CognigySettings.from(settings, json));
    }

    /** The login's bearer token, cached and refreshed (one login at a time). */
    @BindToRegistry
    public AccessTokenProcessor accessTokenProcessor(CamelContext context, Settings settings,
            @BeanInject("jsonMapper") ObjectMapper json, WebhookMetrics metrics) {
        return once("accessTokenProcessor", () -> new AccessTokenProcessor(new CamelTokenClient(context, json, Clock.systemUTC(), metrics,
                        CognigyClientRoutes.LOGIN, "accessToken", "expiresIn"), Clock.systemUTC(),
                        cognigySettings(settings, json).tokenRefreshMargin()));
    }

    /** An RFC 6749 client-credentials token, cached and refreshed like the login's. */
    @BindToRegistry
    public AccessTokenProcessor oauth2TokenProcessor(CamelContext context, Settings settings,
            @BeanInject("jsonMapper") ObjectMapper json, WebhookMetrics metrics) {
        return once("oauth2TokenProcessor", () -> new AccessTokenProcessor(new CamelTokenClient(context, json, Clock.systemUTC(), metrics,
                        CognigyClientRoutes.OAUTH2_TOKEN, "access_token", "expires_in"), Clock.systemUTC(),
                        cognigySettings(settings, json).tokenRefreshMargin()));
    }

    /** COGNIGY_RATE_LIMIT: bound only when set (no bean, no route step, no SQL otherwise). */
    @BindToRegistry
    public CognigyRateLimiter cognigyRateLimiter(Settings settings, Registry registry, Budget budget, WebhookMetrics metrics,
            @BeanInject("sharedPrefix") String prefix) {
        return once("cognigyRateLimiter", () -> RateLimitSettings.from(settings).map(limit -> new CognigyRateLimiter(limit,
                        registry.lookupByNameAndType("webhooksDataSource", DataSource.class), prefix, budget, metrics)).orElse(null));
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        Registry registry = context.getRegistry();
        CognigyRateLimiter limiter = registry.lookupByNameAndType("cognigyRateLimiter", CognigyRateLimiter.class);
        if (limiter != null) {
            context.addService(limiter, true, true);
        }
        configureHttpClient(context, registry.lookupByNameAndType("cognigySettings", CognigySettings.class),
                registry.lookupByNameAndType("budget", Budget.class),
                registry.lookupByNameAndType("webhookMetrics", WebhookMetrics.class),
                registry.lookupByNameAndType("settings", Settings.class));
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
