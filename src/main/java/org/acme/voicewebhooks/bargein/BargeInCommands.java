package org.acme.voicewebhooks.bargein;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON bodies of the two barge-in commands. */
public final class BargeInCommands {

    private final ObjectMapper json;
    private final String detectedVariableKey;

    public BargeInCommands(ObjectMapper json, BargeInSettings settings) {
        this.json = json;
        this.detectedVariableKey = settings.detectedVariableKey();
    }

    /** {@code {"command":"stop","reason":"user_interrupt","sessionId":…}} */
    public String stop(BargeInEvent event) {
        return json.createObjectNode()
                .put("command", "stop")
                .put("reason", "user_interrupt")
                .put("sessionId", event.sessionId())
                .toString();
    }

    /** The five state variables, in the order existing flows expect. */
    public String resetState(BargeInEvent event) {
        ObjectNode body = json.createObjectNode();
        ArrayNode variables = body.putArray("variables");
        variables.addObject().put("key", detectedVariableKey).put("value", true);
        variables.addObject().put("key", "cx.current_intent").put("value", "");
        variables.addObject().put("key", "cx.partial_transcript").put("value", "");
        variables.addObject().put("key", "cx.flow_state").put("value", "interrupt_recover");
        variables.addObject().put("key", "cx.interrupt_confidence").put("value", event.confidence());
        return body.toString();
    }
}
