package org.acme.voicewebhooks.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: down unless every webhook route exists and is started. Camel's own route checks cover only the routes
 * there are, so a route removed by a failed reload would otherwise leave the service ready while it answers 404.
 */
public final class WebhookRoutesHealthCheck extends AbstractHealthCheck {

    public static final String ID = "webhook-routes";

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
        List<String> notRunning = new ArrayList<>();
        for (String routeId : routeIds) {
            ServiceStatus status = getCamelContext().getRouteController().getRouteStatus(routeId);
            String state = status == null ? "Missing" : status.name();
            builder.detail("route." + routeId, state);
            if (status == null || !status.isStarted()) {
                notRunning.add(routeId + " (" + state + ")");
            }
        }
        if (notRunning.isEmpty()) {
            builder.up();
        } else {
            builder.down().message("Webhook routes not running: " + String.join(", ", notRunning));
        }
    }
}
