package org.acme.voicewebhooks.config;

import java.net.URI;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/** Reads and checks settings once at start-up, so a bad value stops the service with its name. */
public final class Settings {

    private final PropertiesComponent properties;

    private Settings(PropertiesComponent properties) {
        this.properties = properties;
    }

    public static Settings of(CamelContext context) {
        return new Settings(context.getPropertiesComponent());
    }

    private Optional<String> value(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** A setting that must be present; the message names the environment variable that feeds it. */
    public String required(String key, String variable) {
        return value(key).orElseThrow(() -> new InvalidSettingException(
                "missing " + variable + " (setting " + key + "); set it in the environment or run with the dev profile"));
    }

    /** A setting that may be left empty. */
    public Optional<String> optional(String key) {
        return value(key);
    }

    public String text(String key) {
        return value(key).orElseThrow(() -> new InvalidSettingException("missing setting " + key));
    }

    /** true or false, nothing else. */
    public boolean bool(String key) {
        String raw = text(key);
        if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(raw);
        }
        throw new InvalidSettingException(key + " must be true or false, was '" + raw + "'");
    }

    public long number(String key, long min, long max) {
        String raw = text(key);
        try {
            long n = Long.parseLong(raw);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed range
        }
        throw new InvalidSettingException(key + " must be a whole number from " + min + " to " + max + ", was '" + raw + "'");
    }

    public double decimal(String key, double min, double max) {
        return decimal(key, min, max, null);
    }

    /** A number in a range; the message names the environment variable that feeds it, when there is one. */
    public double decimal(String key, double min, double max, String variable) {
        String raw = text(key);
        try {
            double d = Double.parseDouble(raw);
            if (d >= min && d <= max) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed range
        }
        String name = variable == null ? key : variable + " (setting " + key + ")";
        throw new InvalidSettingException(name + " must be a number from " + min + " to " + max + ", was '" + raw + "'");
    }

    /** An absolute http(s) URL without a trailing slash. */
    public String httpUrl(String key, String variable) {
        String raw = required(key, variable);
        try {
            URI uri = URI.create(raw);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                return raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new InvalidSettingException(variable + " (setting " + key + ") must be an http(s) URL without query, was '" + raw + "'");
    }

    /** A path starting with '/', for a URL template. */
    public String path(String key) {
        String raw = text(key);
        if (!raw.startsWith("/")) {
            throw new InvalidSettingException(key + " must start with '/', was '" + raw + "'");
        }
        return raw;
    }
}
