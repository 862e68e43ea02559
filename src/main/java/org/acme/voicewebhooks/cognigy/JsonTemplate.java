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

    /** A placeholder: {@code whole} when it is a whole value (any JSON type) rather than text inside a string. */
    private record Slot(String name, boolean whole) {
    }

    private final ObjectMapper json;
    /** {@code literals[i]} comes before slot {@code i}; the last one ends the body. */
    private final String[] literals;
    private final Slot[] slots;

    private JsonTemplate(ObjectMapper json, String[] literals, Slot[] slots) {
        this.json = json;
        this.literals = literals;
        this.slots = slots;
    }

    public static JsonTemplate parse(ObjectMapper json, String template) throws JsonProcessingException {
        List<Slot> slots = new ArrayList<>();
        String written = json.writeValueAsString(mark(json, json.readTree(template), slots));
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
            boolean whole = slots.get(i).whole();
            literals.add(written.substring(from, whole ? slot.start() - 1 : slot.start()));
            from = whole ? slot.end() + 1 : slot.end();
        }
        if (found != slots.size()) {
            throw new IllegalArgumentException("template holds the character U+E000, or the writer escapes it: " + template);
        }
        literals.add(written.substring(from));
        return new JsonTemplate(json, literals.toArray(String[]::new), slots.toArray(Slot[]::new));
    }

    /** A copy of the tree with each placeholder replaced by its numbered mark. */
    private static JsonNode mark(ObjectMapper json, JsonNode node, List<Slot> slots) {
        if (node.isObject()) {
            ObjectNode copy = json.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                copy.set(field.getKey(), mark(json, field.getValue(), slots));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = json.createArrayNode();
            node.forEach(element -> copy.add(mark(json, element, slots)));
            return copy;
        }
        if (!node.isTextual()) {
            return node;
        }
        Matcher wholeValue = WHOLE.matcher(node.asText());
        if (wholeValue.matches()) {
            return TextNode.valueOf(slot(new Slot(wholeValue.group(1), true), slots));
        }
        Matcher part = PART.matcher(node.asText());
        StringBuilder text = new StringBuilder();
        while (part.find()) {
            part.appendReplacement(text, Matcher.quoteReplacement(slot(new Slot(part.group(1), false), slots)));
        }
        part.appendTail(text);
        return TextNode.valueOf(text.toString());
    }

    /** Numbers the slot and returns its mark. */
    private static String slot(Slot slot, List<Slot> slots) {
        slots.add(slot);
        return MARK + String.valueOf(slots.size() - 1) + MARK;
    }

    public String render(Map<String, Object> values) {
        StringBuilder out = new StringBuilder(256);
        for (int i = 0; i < slots.length; i++) {
            out.append(literals[i]);
            Object value = value(values, slots[i].name());
            if (slots[i].whole()) {
                try {
                    out.append(json.writeValueAsString(value));
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("{" + slots[i].name() + "} cannot be written as JSON", e);
                }
            } else {
                out.append(JsonStringEncoder.getInstance().quoteAsString(String.valueOf(value)));
            }
        }
        return out.append(literals[slots.length]).toString();
    }

    private static Object value(Map<String, Object> values, String name) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException("no value for {" + name + "}");
        }
        return values.get(name);
    }
}
