package org.acme.voicewebhooks.cognigy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A JSON body with placeholders in its string values: a value that is exactly {@code "{name}"} becomes the value with
 * its own JSON type (number, boolean, string, null); {@code "…{name}…"} inside a longer string is interpolated as
 * text, JSON-escaped. Written once at start-up into literal pieces and slots, so a request only joins them.
 */
public final class JsonTemplate {

    private static final Pattern WHOLE = Pattern.compile("^\\{([A-Za-z]+)}$");
    private static final Pattern PART = Pattern.compile("\\{([A-Za-z]+)}");
    /** Marks a slot in the written template: a private-use character that JSON writers leave as it is. */
    private static final char MARK = '\uE000';
    private static final Pattern SLOT = Pattern.compile(MARK + "(\\d+)" + MARK);

    private final ObjectMapper json;
    /** {@code literals[i]} comes before slot {@code i}; the last one ends the body. */
    private final String[] literals;
    private final String[] names;
    /** Whether slot {@code i} is a whole value (any JSON type) rather than text inside a string. */
    private final boolean[] whole;

    private JsonTemplate(ObjectMapper json, String[] literals, String[] names, boolean[] whole) {
        this.json = json;
        this.literals = literals;
        this.names = names;
        this.whole = whole;
    }

    public static JsonTemplate parse(ObjectMapper json, String template) throws JsonProcessingException {
        List<String> names = new ArrayList<>();
        List<Boolean> whole = new ArrayList<>();
        String written = json.writeValueAsString(mark(json, json.readTree(template), names, whole));
        List<String> literals = new ArrayList<>();
        Matcher slot = SLOT.matcher(written);
        int from = 0;
        int found = 0;
        while (slot.find()) {
            int i = Integer.parseInt(slot.group(1));
            if (i != found++) {
                throw new IllegalArgumentException("template holds the character U+E000: " + template);
            }
            // a whole value replaces its quotes too
            literals.add(written.substring(from, whole.get(i) ? slot.start() - 1 : slot.start()));
            from = whole.get(i) ? slot.end() + 1 : slot.end();
        }
        if (found != names.size()) {
            throw new IllegalArgumentException("template holds the character U+E000, or the writer escapes it: " + template);
        }
        literals.add(written.substring(from));
        boolean[] wholeSlots = new boolean[whole.size()];
        for (int i = 0; i < wholeSlots.length; i++) {
            wholeSlots[i] = whole.get(i);
        }
        return new JsonTemplate(json, literals.toArray(String[]::new), names.toArray(String[]::new), wholeSlots);
    }

    /** A copy of the tree with each placeholder replaced by its numbered mark. */
    private static JsonNode mark(ObjectMapper json, JsonNode node, List<String> names, List<Boolean> whole) {
        if (node.isObject()) {
            ObjectNode copy = json.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                copy.set(field.getKey(), mark(json, field.getValue(), names, whole));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = json.createArrayNode();
            node.forEach(element -> copy.add(mark(json, element, names, whole)));
            return copy;
        }
        if (!node.isTextual()) {
            return node;
        }
        Matcher wholeValue = WHOLE.matcher(node.asText());
        if (wholeValue.matches()) {
            return TextNode.valueOf(slot(wholeValue.group(1), true, names, whole));
        }
        Matcher part = PART.matcher(node.asText());
        StringBuilder text = new StringBuilder();
        while (part.find()) {
            part.appendReplacement(text, Matcher.quoteReplacement(slot(part.group(1), false, names, whole)));
        }
        part.appendTail(text);
        return TextNode.valueOf(text.toString());
    }

    private static String slot(String name, boolean wholeValue, List<String> names, List<Boolean> whole) {
        names.add(name);
        whole.add(wholeValue);
        return MARK + String.valueOf(names.size() - 1) + MARK;
    }

    public String render(Map<String, Object> values) {
        StringBuilder out = new StringBuilder(256);
        for (int i = 0; i < names.length; i++) {
            out.append(literals[i]);
            Object value = value(values, names[i]);
            if (whole[i]) {
                try {
                    out.append(json.writeValueAsString(value));
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("{" + names[i] + "} cannot be written as JSON", e);
                }
            } else {
                out.append(JsonStringEncoder.getInstance().quoteAsString(String.valueOf(value)));
            }
        }
        return out.append(literals[names.length]).toString();
    }

    private static Object value(Map<String, Object> values, String name) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException("no value for {" + name + "}");
        }
        return values.get(name);
    }
}
