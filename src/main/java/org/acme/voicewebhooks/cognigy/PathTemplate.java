package org.acme.voicewebhooks.cognigy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Cognigy path like {@code /api/v1/sessions/{sessionId}/variables}; each value fills exactly one path segment. */
public final class PathTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");

    private final String template;
    /** {@code literals[i]} comes before placeholder {@code i}; the last one ends the path (split once, at start-up). */
    private final List<String> literals = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    public PathTemplate(String template) {
        this.template = template;
        Matcher m = PLACEHOLDER.matcher(template);
        int from = 0;
        while (m.find()) {
            literals.add(template.substring(from, m.start()));
            names.add(m.group(1));
            from = m.end();
        }
        literals.add(template.substring(from));
    }

    public String expand(Map<String, ?> values) {
        StringBuilder out = new StringBuilder(template.length() + 32);
        for (int i = 0; i < names.size(); i++) {
            Object value = values.get(names.get(i));
            if (value == null) {
                throw new IllegalArgumentException("no value for {" + names.get(i) + "} in " + template);
            }
            out.append(literals.get(i)).append(segment(String.valueOf(value)));
        }
        return out.append(literals.get(names.size())).toString();
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
