package org.acme.voicewebhooks.observe;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.EndpointAware;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.camel.processor.WireTapProcessor;

/**
 * Readiness: down unless every webhook route exists and is started, and every {@code direct:} step of a running route
 * has a running route to go to. Camel's own route checks cover only the routes there are, so a route removed by a
 * failed reload, or a step whose target was mistyped in a saved route file, would otherwise leave the service ready
 * while it answers 404 or 500.
 */
public final class WebhookRoutesHealthCheck extends AbstractHealthCheck {

    public static final String ID = "webhook-routes";

    private static final String DIRECT = "direct:";

    private final List<String> routeIds;

    public WebhookRoutesHealthCheck(List<String> routeIds) {
        super("webhooks", ID);
        this.routeIds = List.copyOf(routeIds);
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<String> problems = new ArrayList<>();
        List<String> notRunning = new ArrayList<>();
        for (String routeId : routeIds) {
            ServiceStatus status = getCamelContext().getRouteController().getRouteStatus(routeId);
            String state = status == null ? "Missing" : status.name();
            builder.detail("route." + routeId, state);
            if (status == null || !status.isStarted()) {
                notRunning.add(routeId + " (" + state + ")");
            }
        }
        if (!notRunning.isEmpty()) {
            problems.add("Webhook routes not running: " + String.join(", ", notRunning));
        }
        Set<String> missing = missingTargets(getCamelContext());
        if (!missing.isEmpty()) {
            builder.detail("missing-targets", String.join(", ", missing));
            problems.add("Route steps call a route that does not run: " + String.join(", ", missing));
        }
        if (problems.isEmpty()) {
            builder.up();
        } else {
            builder.down().message(String.join("; ", problems));
        }
    }

    /** Each direct: target of a running route that no running route serves, once, as "direct:name (in route-id)". */
    private static Set<String> missingTargets(CamelContext context) {
        List<Route> running = context.getRoutes().stream().filter(route -> isStarted(context, route)).toList();
        Set<String> served = new HashSet<>();
        for (Route route : running) {
            String from = directName(route.getEndpoint().getEndpointUri());
            if (from != null) {
                served.add(from);
            }
        }
        Set<String> missing = new LinkedHashSet<>();
        for (Route route : running) {
            for (Processor step : route.filter("*")) {
                String target = directName(uriOf(step));
                if (target != null && !served.contains(target)) {
                    missing.add(DIRECT + target + " (in " + route.getRouteId() + ")");
                }
            }
        }
        return missing;
    }

    private static boolean isStarted(CamelContext context, Route route) {
        ServiceStatus status = context.getRouteController().getRouteStatus(route.getRouteId());
        return status != null && status.isStarted();
    }

    /** The URI a step sends to, when it is fixed (a to or a wireTap); null for any other step. */
    private static String uriOf(Processor step) {
        if (step instanceof EndpointAware to) {
            return to.getEndpoint().getEndpointUri();
        }
        if (step instanceof WireTapProcessor wireTap) {
            return wireTap.getUri();
        }
        return null;
    }

    /** "name" of direct:name, direct://name or direct:name?options; null for another scheme or a dynamic URI. */
    private static String directName(String uri) {
        if (uri == null || !uri.startsWith(DIRECT) || uri.contains("${")) {
            return null;
        }
        String name = uri.substring(DIRECT.length());
        name = name.startsWith("//") ? name.substring(2) : name;
        int options = name.indexOf('?');
        return options < 0 ? name : name.substring(0, options);
    }
}
