package org.acme.voicewebhooks.cognigy;

import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A JSON body with placeholders in its string values: a value that is exactly {@code "{name}"} becomes the value with
 * its own JSON type (number, boolean, string, null); {@code "…{name}…"} inside a longer string is interpolated as
 * text. Built as a tree, so quotes, newlines and unicode in the values are always escaped correctly.
 */
public final class JsonTemplate {

    private static final Pattern WHOLE = Pattern.compile("^\\{([A-Za-z]+)}$");
    private static final Pattern PART = Pattern.compile("\\{([A-Za-z]+)}");

    private final ObjectMapper json;
    private final JsonNode template;

    private JsonTemplate(ObjectMapper json, JsonNode template) {
        this.json = json;
        this.template = template;
    }

    public static JsonTemplate parse(ObjectMapper json, String template) throws JsonProcessingException {
        return new JsonTemplate(json, json.readTree(template));
    }

    public String render(Map<String, Object> values) {
        return fill(template, values).toString();
    }

    private JsonNode fill(JsonNode node, Map<String, Object> values) {
        if (node.isObject()) {
            ObjectNode copy = json.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                copy.set(field.getKey(), fill(field.getValue(), values));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = json.createArrayNode();
            node.forEach(element -> copy.add(fill(element, values)));
            return copy;
        }
        if (node.isTextual()) {
            Matcher whole = WHOLE.matcher(node.asText());
            if (whole.matches()) {
                return json.valueToTree(value(values, whole.group(1)));
            }
            Matcher part = PART.matcher(node.asText());
            StringBuilder text = new StringBuilder();
            while (part.find()) {
                part.appendReplacement(text, Matcher.quoteReplacement(String.valueOf(value(values, part.group(1)))));
            }
            part.appendTail(text);
            return TextNode.valueOf(text.toString());
        }
        return node;
    }

    private static Object value(Map<String, Object> values, String name) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException("no value for {" + name + "}");
        }
        return values.get(name);
    }
}
