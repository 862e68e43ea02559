package org.acme.voicewebhooks.observe;

import java.util.List;

import org.acme.voicewebhooks.settings.BeansSupport;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.health.HealthCheckRegistry;

/** The service's own metrics, and readiness only while both webhook routes run. */
@Configuration
public class ObserveBeans extends BeansSupport {

    @BindToRegistry
    public WebhookMetrics webhookMetrics() {
        return once("webhookMetrics", () -> new WebhookMetrics(getCamelContext()));
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        // the listeners' real addresses (Camel's own list says 0.0.0.0 whatever the bound host)
        context.getManagementStrategy().addEventNotifier(new HttpEndpointsSummary(context));
        // Camel's route checks miss a route that is gone (a failed reload): ready only while both webhooks run
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            health.register(new WebhookRoutesHealthCheck(List.of("barge-in-webhook", "asr-confidence-webhook")));
        }
    }
}
