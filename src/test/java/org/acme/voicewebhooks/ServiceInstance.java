package org.acme.voicewebhooks;

import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * One more instance of the service in this JVM, as operations start it (root settings and routes), on its own port
 * with the given settings: two of them on one shared store behave as two pods.
 */
final class ServiceInstance implements AutoCloseable {

    private final Main main;
    final int port;

    private ServiceInstance(Main main, int port) {
        this.main = main;
        this.port = port;
    }

    static ServiceInstance start(Properties settings) throws Exception {
        int port = WebhookTestSupport.freePort();
        Properties p = new Properties();
        p.putAll(settings);
        p.setProperty("camel.server.port", String.valueOf(port));
        p.setProperty("camel.server.host", "127.0.0.1");
        Main main = new Main(Application.class);
        main.setDefaultPropertyPlaceholderLocation(Application.PROPERTY_LOCATIONS);
        Application.configure(main.configure());
        main.setOverrideProperties(p);
        main.start();
        return new ServiceInstance(main, port);
    }

    CamelContext context() {
        return main.getCamelContext();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }
}
