package org.acme.voicewebhooks.webhook;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig.AuthenticationConfigEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Until every route runs, the webhook listener answers 503 {"error":"Starting"} with Retry-After. Vert.x listens as
 * soon as the CamelContext starts, before any route does, and its own 404 (HTML at first) would tell a platform that
 * the URL is wrong. Camel's health endpoints on the same port answer as usual: a starting instance is alive.
 */
public final class StartingAnswer implements AuthenticationHandler, StartupListener {

    static final String BODY = "{\"error\":\"Starting\"}";
    /** Seconds a caller waits before trying again; a start takes a few. */
    static final String RETRY_AFTER_SECONDS = "1";

    private static final Logger LOG = LoggerFactory.getLogger(StartingAnswer.class);

    /** Camel's health path when it shares the webhooks' port, else null. */
    private final String healthPath;
    private volatile boolean running;

    private StartingAnswer(String healthPath) {
        this.healthPath = healthPath;
    }

    /**
     * Puts the starting answer in front of every route of the webhook listener; call it before the CamelContext starts.
     * Camel installs the handlers of the listener's authentication config on its router before it listens, the only
     * place that early where a handler goes.
     */
    public static void install(CamelContext context) throws Exception {
        MainHttpServer server = context.hasService(MainHttpServer.class);
        if (server == null) {
            return;
        }
        if (server.isStarted()) {
            LOG.warn("HTTP server already listens: requests before the routes run get Vert.x's own answers");
            return;
        }
        ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
        boolean sharedHealth = management != null && management.isHealthCheckEnabled()
                && management.getPort() == server.getPort();
        StartingAnswer answer = new StartingAnswer(sharedHealth ? management.getHealthPath() : null);
        AuthenticationConfigEntry entry = new AuthenticationConfigEntry();
        entry.setPath("/*");
        entry.setAuthenticationProviderFactory(vertx -> null);
        entry.setAuthenticationHandlerFactory(new AuthenticationConfig.AuthenticationHandlerFactory() {
            @Override
            public <T extends AuthenticationProvider> AuthenticationHandler createAuthenticationHandler(T provider) {
                return answer;
            }
        });
        AuthenticationConfig handlers = server.getConfiguration().getAuthenticationConfig();
        handlers.getEntries().add(entry);
        handlers.setEnabled(true);
        context.addStartupListener(answer);
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (running || isHealth(ctx.normalizedPath())) {
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(503)
                .putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(BODY);
    }

    private boolean isHealth(String path) {
        return healthPath != null && (path.equals(healthPath) || path.startsWith(healthPath + "/"));
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the routes' consumers start after this call: the answer stays until the context is fully started
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        running = true;
    }
}
