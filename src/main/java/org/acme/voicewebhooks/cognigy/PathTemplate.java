package org.acme.voicewebhooks.cognigy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Cognigy path like {@code /api/v1/sessions/{sessionId}/variables}; each value fills exactly one path segment. */
public final class PathTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");

    private final String template;

    public PathTemplate(String template) {
        this.template = template;
    }

    public String expand(Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 32);
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for {" + m.group(1) + "} in " + template);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(segment(value)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Percent-encodes a value as one path segment: '/', '?', '#', '%' and spaces are escaped, dot segments too. */
    public static String segment(String value) {
        String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
        // "." and ".." would be removed by URL normalisation and move the call up the path
        return encoded.equals(".") || encoded.equals("..") ? encoded.replace(".", "%2E") : encoded;
    }

    @Override
    public String toString() {
        return template;
    }
}
