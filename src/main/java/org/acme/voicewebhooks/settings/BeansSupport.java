package org.acme.voicewebhooks.settings;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;

/**
 * A package's {@code *Beans}: camel-main post-processes a configuration class twice (when made and before configure),
 * calling its {@code @BindToRegistry} methods each time and in an order of its own, so each bean is made once here and
 * a bean the others need is made on first use. Beans of other packages come from the registry: their {@code *Beans}
 * are listed earlier in camel.main.configuration-classes.
 */
public abstract class BeansSupport implements CamelConfiguration, CamelContextAware {

    private final Map<String, Object> made = new HashMap<>();
    private CamelContext context;

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
    }

    /** The bean {@code name}, made by {@code make} the first time (null too: an optional bean left unbound). */
    @SuppressWarnings("unchecked")
    protected final synchronized <T> T once(String name, Supplier<T> make) {
        if (!made.containsKey(name)) {
            made.put(name, make.get());
        }
        return (T) made.get(name);
    }

    /** A bean bound by an earlier {@code *Beans}, or null when it is optional and left unbound. */
    protected final <T> T bean(String name, Class<T> type) {
        return context.getRegistry().lookupByNameAndType(name, type);
    }

    protected Settings settings() {
        return bean("settings", Settings.class);
    }

    /** The strict JSON mapper (webhook.WebhookBeans). */
    protected final ObjectMapper json() {
        return bean("jsonMapper", ObjectMapper.class);
    }

    /** Prefix of the tables and queues this deployment owns in the shared servers (stores.StoresBeans). */
    protected String sharedPrefix() {
        return bean("sharedPrefix", String.class);
    }
}
