package org.acme.voicewebhooks.settings;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.CamelConfiguration;

/**
 * A package's {@code *Beans}: camel-main post-processes a configuration class twice (when made and before configure),
 * calling its {@code @BindToRegistry} methods each time and in an order of its own, so each bean is made once here and
 * a bean the others need is made on first use.
 */
public abstract class BeansSupport implements CamelConfiguration {

    private final Map<String, Object> made = new HashMap<>();

    /** The bean {@code name}, made by {@code make} the first time (null too: an optional bean left unbound). */
    @SuppressWarnings("unchecked")
    protected final synchronized <T> T once(String name, Supplier<T> make) {
        if (!made.containsKey(name)) {
            made.put(name, make.get());
        }
        return (T) made.get(name);
    }
}
