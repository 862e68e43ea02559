package org.acme.voicewebhooks;

import java.util.Properties;

/** The service as the README's run command starts it: the dev profile, Cognigy simulated inside the service. */
abstract class DevProfileTestSupport extends WebhookTestSupport {

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "file:application-dev.properties;optional=true," + Application.PROPERTY_LOCATIONS;
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = new Properties();
        // Camel's own dev profile too (tracer standby, message history), as CAMEL_MAIN_PROFILE=dev turns it on
        p.setProperty("camel.main.profile", "dev");
        p.setProperty("camel.server.port", String.valueOf(port));
        p.setProperty("camel.server.host", "127.0.0.1");
        p.setProperty("acoustic.dir", acousticDir().toString());
        p.setProperty("deadletter.dir", deadLetterDir().toString());
        // the simulator calls back into this JVM: a cold first request on a slow machine must not spend the budget
        p.setProperty("webhook.budget-ms", "15000");
        return p;
    }
}
