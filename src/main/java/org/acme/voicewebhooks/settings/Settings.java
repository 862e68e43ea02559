package org.acme.voicewebhooks.settings;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Reads and checks settings once at start-up, so a bad value stops the service with its name. Every problem is
 * collected, with a stand-in value so reading goes on, and {@link #stopIfInvalid()} names them all in one start.
 */
public final class Settings {

    private final PropertiesComponent properties;
    private final List<String> problems = new ArrayList<>();

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
    private String requiredStrict(String key, String variable) {
        return value(key).orElseThrow(() -> new InvalidSettingException(
                "missing " + variable + " (setting " + key + "); set it in the environment or run with the dev profile"));
    }

    /** A setting that may be left empty. */
    public Optional<String> optional(String key) {
        return value(key);
    }

    private String textStrict(String key) {
        return value(key).orElseThrow(() -> new InvalidSettingException("missing setting " + key));
    }

    /** true or false, nothing else. */
    private boolean boolStrict(String key) {
        String raw = textStrict(key);
        if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(raw);
        }
        throw new InvalidSettingException(key + " must be true or false, was '" + raw + "'");
    }

    private long numberStrict(String key, long min, long max) {
        String raw = textStrict(key);
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


    /** A number in a range; the message names the environment variable that feeds it, when there is one. */
    private double decimalStrict(String key, double min, double max, String variable) {
        String raw = textStrict(key);
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
    private String httpUrlStrict(String key, String variable) {
        String raw = requiredStrict(key, variable);
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
    private String pathStrict(String key) {
        String raw = textStrict(key);
        if (!raw.startsWith("/")) {
            throw new InvalidSettingException(key + " must start with '/', was '" + raw + "'");
        }
        return raw;
    }

    /** A setting that must be present; the message names the environment variable that feeds it. */
    public String required(String key, String variable) {
        return collect(() -> requiredStrict(key, variable), "");
    }

    public String text(String key) {
        return collect(() -> textStrict(key), "");
    }

    /** true or false, nothing else. */
    public boolean bool(String key) {
        return collect(() -> boolStrict(key), false);
    }

    public long number(String key, long min, long max) {
        return collect(() -> numberStrict(key, min, max), min);
    }

    public double decimal(String key, double min, double max) {
        return decimal(key, min, max, null);
    }

    /** A number in a range; the message names the environment variable that feeds it, when there is one. */
    public double decimal(String key, double min, double max, String variable) {
        return collect(() -> decimalStrict(key, min, max, variable), min);
    }

    /** An absolute http(s) URL without a trailing slash. */
    public String httpUrl(String key, String variable) {
        return collect(() -> httpUrlStrict(key, variable), "http://invalid.invalid");
    }

    /** A path starting with '/', for a URL template. */
    public String path(String key) {
        return collect(() -> pathStrict(key), "/");
    }

    /** This instance's name in file names (service.instance-name, INSTANCE_NAME): the setting, else the host name. */
    public String instanceName() {
        return optional("service.instance-name").orElseGet(Settings::hostName).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return System.getenv().getOrDefault("HOSTNAME", "instance");
        }
    }

    /** Reads with {@code read}; a problem it throws is named with the others and {@code standIn} is used. */
    public <T> T check(Supplier<T> read, T standIn) {
        return collect(read, standIn);
    }

    /** Notes a problem found by code that reads settings on its own. */
    public void problem(String message) {
        if (!problems.contains(message)) {
            problems.add(message);
        }
    }

    /** Stops start-up naming every problem found, if there is one. */
    public void stopIfInvalid() {
        if (!problems.isEmpty()) {
            throw new InvalidSettingException(String.join("\n", problems));
        }
    }

    private <T> T collect(Supplier<T> read, T standIn) {
        try {
            return read.get();
        } catch (InvalidSettingException e) {
            problem(e.getMessage());
            return standIn;
        }
    }
}
