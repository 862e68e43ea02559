package org.acme.voicewebhooks.settings;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.util.IOHelper;
import org.apache.camel.util.OrderedLocationProperties;
import org.apache.camel.util.SensitiveUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every setting once at start-up with the value in effect (placeholders and environment resolved) and where it
 * was set, secrets masked. Camel's own summaries are off (camel.main.auto-configuration-log-summary): they print a
 * file's {{env:…}} unresolved and mask only names on a fixed list.
 */
public final class SettingsSummary {

    private static final String MASK = "xxxxxx";
    private static final Logger LOG = LoggerFactory.getLogger(SettingsSummary.class);
    /** A secret by its name's last part: a key, secret(s), password, passphrase, token, credentials or basic-auth. */
    private static final Pattern SECRET_NAME =
            Pattern.compile("(.*-)?(key|secrets?|password|passphrase|token|credentials?)|basic-auth");
    /** The user:password@ of any URL. */
    private static final Pattern URL_USER_INFO = Pattern.compile("(?<=://)[^/?#@\\s]+@");
    /** A credential given as a URL parameter, e.g. a JDBC URL's password=…. */
    private static final Pattern SECRET_PARAMETER =
            Pattern.compile("(?i)(?<=[?&;](password|secret|token|api-?key|access-?key)=)[^&;\\s]+");

    private SettingsSummary() {
    }

    public static void log(CamelContext context) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        LOG.info("Settings in effect (secrets masked)");
        settings(context.getPropertiesComponent()).forEach((key, location) ->
                LOG.info("    {} {} = {}", String.format("%-28s", "[" + location + "]"), key,
                        shown(key, value(context.getPropertiesComponent(), key))));
    }

    /** Every key of the settings files (and overrides), then -D keys of the same areas; each with where it was set. */
    private static Map<String, String> settings(PropertiesComponent properties) {
        Properties files = properties.loadProperties();
        Map<String, String> settings = new LinkedHashMap<>();
        for (String key : files.stringPropertyNames()) {
            String file = files instanceof OrderedLocationProperties located ? located.getLocation(key) : null;
            settings.put(key, file == null ? "settings" : file.substring(file.indexOf(':') + 1));
        }
        Set<String> areas = settings.keySet().stream().map(SettingsSummary::area).collect(Collectors.toSet());
        System.getProperties().stringPropertyNames().stream().filter(key -> areas.contains(area(key))).sorted()
                .forEach(key -> settings.putIfAbsent(key, "system property"));
        // the component looks for a variable named after the key first, then a system property, then the files
        settings.replaceAll((key, location) -> IOHelper.lookupEnvironmentVariable(key) != null ? "environment"
                : System.getProperty(key) != null ? "system property" : location);
        return settings;
    }

    private static String area(String key) {
        return key.substring(0, key.indexOf('.') + 1);
    }

    private static String value(PropertiesComponent properties, String key) {
        try {
            return properties.resolveProperty(key).orElse("");
        } catch (IllegalArgumentException e) {
            return "(unresolved)";
        }
    }

    /** The value as it may be logged: a secret's as xxxxxx (empty stays empty), a URL's credentials masked. */
    private static String shown(String key, String value) {
        if (value.isEmpty()) {
            return value;
        }
        if (secret(key)) {
            return MASK;
        }
        return SECRET_PARAMETER.matcher(URL_USER_INFO.matcher(value).replaceAll(MASK + "@")).replaceAll(MASK);
    }

    /** Whether a setting's value is a secret by its name, ours or one Camel counts sensitive. */
    private static boolean secret(String key) {
        String name = key.substring(key.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return SECRET_NAME.matcher(name).matches() || SensitiveUtils.containsSensitive(key);
    }
}
