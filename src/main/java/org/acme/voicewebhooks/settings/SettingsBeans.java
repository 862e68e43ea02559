package org.acme.voicewebhooks.settings;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

/**
 * The settings every package's {@code *Beans} read, and the one start-up check: listed first in
 * camel.main.configuration-classes, its configure runs once every bean is bound and names every problem they found.
 */
@Configuration
public class SettingsBeans extends BeansSupport {

    @BindToRegistry
    @Override
    public Settings settings() {
        return once("settings", () -> Settings.of(getCamelContext()));
    }

    @Override
    public void configure(CamelContext context) {
        SettingsSummary.log(context);
        settings().stopIfInvalid();
    }
}
