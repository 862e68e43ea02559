package org.acme.voicewebhooks.observe;

import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.HttpEndpointModel;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the HTTP endpoints at start and after a reload, with the scheme and address the listener is bound to. Camel's
 * own list (MainHttpServerUtil, quieted in log4j2.properties) always prints http://0.0.0.0.
 */
public final class HttpEndpointsSummary extends SimpleEventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpointsSummary.class);

    private final CamelContext context;

    public HttpEndpointsSummary(CamelContext context) {
        this.context = context;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStartedEvent || event instanceof CamelEvent.RouteReloadedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        // a reload reports each route of its batch: the list once, after the last
        if (event instanceof CamelEvent.RouteReloadedEvent reloaded && reloaded.getIndex() < reloaded.getTotal()) {
            return;
        }
        MainHttpServer server = context.hasService(MainHttpServer.class);
        if (server == null) {
            return;
        }
        PlatformHttpComponent http = context.getComponent("platform-http", PlatformHttpComponent.class);
        String base = base(server.getHost(), server.getPort(), server.isUseGlobalSslContextParameters());
        LOG.info("HTTP endpoints");
        log(base, http.getHttpEndpoints());
        ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
        if (management != null) {
            // on the same port it answers on the server's own listener
            log(management.getPort() == server.getPort() ? base : base(management.getHost(), management.getPort(),
                    management.isUseGlobalSslContextParameters()), http.getHttpManagementEndpoints());
        }
    }

    private String base(String host, int port, boolean globalTls) {
        boolean tls = globalTls && context.getSSLContextParameters() != null;
        return (tls ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static void log(String base, Set<HttpEndpointModel> endpoints) {
        for (HttpEndpointModel endpoint : new TreeSet<>(endpoints)) {
            LOG.info("    {}{}{}", base, endpoint.getUri(), endpoint.getVerbs() == null ? "" : " (" + endpoint.getVerbs() + ")");
        }
    }
}
