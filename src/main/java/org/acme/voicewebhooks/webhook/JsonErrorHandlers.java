package org.acme.voicewebhooks.webhook;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers what the HTTP server refuses itself, before any route runs (a body over camel.server.max-body-size, a method
 * a path does not take, a path nobody serves), with the one-line JSON error the routes answer. Vert.x asks the error
 * handlers of the server's top router only, so they go there, once the server exists.
 */
public final class JsonErrorHandlers implements StartupListener {

    /** The statuses Vert.x answers on its own, with their error texts. */
    private static final Map<Integer, String> ERRORS = Map.of(
            400, "Bad request",
            404, "Not found",
            405, "Method not allowed",
            413, "Request body too large",
            417, "Expectation failed",
            500, "Internal processing error");

    private static final Logger LOG = LoggerFactory.getLogger(JsonErrorHandlers.class);

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // one router per listening port: the webhooks' and, on a port of its own, the management endpoints'
        for (VertxPlatformHttpRouter routes : context.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
            HttpServer server = routes.getServer().getServer();
            Handler<HttpServerRequest> top = server == null ? null : server.requestHandler();
            if (!(top instanceof Router router)) {
                LOG.warn("HTTP server {} has no Vert.x router yet: its own error answers stay plain text", routes.getName());
                continue;
            }
            ERRORS.forEach((status, error) -> router.errorHandler(status, answer(status, error, routes)));
        }
    }

    private static Handler<RoutingContext> answer(int status, String error, Router routes) {
        String body = "{\"error\":\"" + error + "\"}";
        return ctx -> {
            HttpServerResponse response = ctx.response();
            if (status == 500) {
                Throwable failure = ctx.failure();
                LOG.error("HTTP server failed a request to {}: {}", LogSafe.quote(ctx.normalizedPath()),
                        failure == null ? "-" : failure.getClass().getName());
            }
            if (response.ended() || response.closed()) {
                return;
            }
            if (response.headWritten()) {
                response.end();
                return;
            }
            if (status == 405) {
                response.putHeader(HttpHeaders.ALLOW, allowed(routes, ctx.normalizedPath()));
            }
            response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
        };
    }

    /** The methods the routes of this exact path take, e.g. "POST". */
    private static String allowed(Router routes, String path) {
        String exact = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        Set<String> methods = new TreeSet<>();
        for (Route route : routes.getRoutes()) {
            if (route.isExactPath() && exact.equals(route.getPath()) && route.methods() != null) {
                route.methods().stream().map(HttpMethod::name).forEach(methods::add);
            }
        }
        return String.join(", ", methods);
    }
}
