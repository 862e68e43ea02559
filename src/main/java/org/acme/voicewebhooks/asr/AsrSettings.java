package org.acme.voicewebhooks.asr;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.acme.voicewebhooks.settings.Settings;
import org.apache.camel.spi.PropertiesComponent;

/** The ASR webhook's key, thresholds, missing-confidence policy and reprompt loop guard, checked once at start-up. */
public record AsrSettings(String webhookApiKey, double defaultThreshold, Map<String, Double> flowThresholds,
        Map<String, Double> nodeThresholds, MissingConfidence missingConfidence, int maxClarifications,
        Duration clarificationWindow, String escalationNode, Double shadowThreshold) {

    public static final String FLOW_THRESHOLD_PREFIX = "asr.flow-threshold.";
    public static final String NODE_THRESHOLD_PREFIX = "asr.threshold.node.";
    /** Per-flow thresholds as one list, {@code id=value,…} (ASR_FLOW_THRESHOLDS). */
    public static final String FLOW_THRESHOLDS = "asr.flow-thresholds";
    /** Per-node thresholds as one list, {@code id=value,…} (ASR_NODE_THRESHOLDS). */
    public static final String NODE_THRESHOLDS = "asr.node-thresholds";

    /** What an utterance without {@code asr.confidence} gets. */
    public enum MissingConfidence {
        /** 400, as for a missing session id. */
        REJECT,
        /** Treated as below the threshold: a clarification (or the escalation). */
        CLARIFY,
        /** Treated as confident: the next node. */
        PASS
    }

    public static AsrSettings from(Settings s, PropertiesComponent properties) {
        return new AsrSettings(
                s.required("asr.webhook-api-key", "ASR_WEBHOOK_API_KEY (or COGNIGY_API_KEY)"),
                s.decimal("asr.confidence-threshold", 0.0, 1.0, "ASR_THRESHOLD"),
                thresholds(s, properties, FLOW_THRESHOLD_PREFIX, FLOW_THRESHOLDS, "ASR_FLOW_THRESHOLDS"),
                thresholds(s, properties, NODE_THRESHOLD_PREFIX, NODE_THRESHOLDS, "ASR_NODE_THRESHOLDS"),
                missingConfidence(s),
                (int) s.number("asr.max-clarifications", 0, 1_000),
                Duration.ofSeconds(s.number("asr.clarification-window-seconds", 1, 86_400)),
                s.text("asr.escalation-node"),
                s.optional("asr.shadow-threshold").isPresent() ? s.decimal("asr.shadow-threshold", 0.0, 1.0) : null);
    }

    /**
     * One threshold per id, each 0 to 1: the lines {@code <prefix><id>} of the settings files, overridden by the list
     * setting ({@code id=value,…}, fed by {@code variable}), overridden by {@code -D<prefix><id>} system properties, as
     * a system property wins over the files for every other setting.
     */
    private static Map<String, Double> thresholds(Settings s, PropertiesComponent properties, String prefix,
            String listKey, String variable) {
        Map<String, Double> thresholds = new TreeMap<>();
        for (String key : properties.loadProperties(key -> key.startsWith(prefix)).stringPropertyNames()) {
            thresholds.put(key.substring(prefix.length()), s.decimal(key, 0.0, 1.0));
        }
        String list = s.optional(listKey).orElse("");
        for (String entry : list.split(",")) {
            if (!entry.isBlank()) {
                listEntry(s, entry.strip(), listKey, variable).ifPresent(t -> thresholds.put(t.getKey(), t.getValue()));
            }
        }
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith(prefix)) {
                thresholds.put(key.substring(prefix.length()), s.decimal(key, 0.0, 1.0));
            }
        }
        return Map.copyOf(thresholds);
    }

    /** One {@code id=value} of a threshold list; a malformed one is a start-up problem naming the variable. */
    private static Optional<Map.Entry<String, Double>> listEntry(Settings s, String entry, String listKey, String variable) {
        int eq = entry.indexOf('=');
        String id = eq < 0 ? "" : entry.substring(0, eq).strip();
        String value = eq < 0 ? "" : entry.substring(eq + 1).strip();
        try {
            double threshold = Double.parseDouble(value);
            if (!id.isEmpty() && threshold >= 0.0 && threshold <= 1.0) {
                return Optional.of(Map.entry(id, threshold));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        s.problem(variable + " (setting " + listKey + ") entries must be id=<number from 0.0 to 1.0>, was '" + entry + "'");
        return Optional.empty();
    }

    private static MissingConfidence missingConfidence(Settings s) {
        String raw = s.text("asr.missing-confidence");
        try {
            return MissingConfidence.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            s.problem("asr.missing-confidence must be reject, clarify or pass, was '" + raw + "'");
            return MissingConfidence.REJECT;
        }
    }

    /** The threshold of a flow: its own override, else the default. */
    public double thresholdFor(String flowId) {
        return flowThresholds.getOrDefault(flowId, defaultThreshold);
    }

    /** The threshold of a node of a flow: the node's override, else the flow's, else the default. */
    public double thresholdFor(String flowId, String nodeId) {
        Double node = nodeId == null ? null : nodeThresholds.get(nodeId);
        return node != null ? node : thresholdFor(flowId);
    }

    /** The shadow threshold, when one is set. */
    public Optional<Double> shadow() {
        return Optional.ofNullable(shadowThreshold);
    }

    @Override
    public String toString() {
        return "AsrSettings[defaultThreshold=" + defaultThreshold + ", flowThresholds=" + flowThresholds
                + ", nodeThresholds=" + nodeThresholds + ", missingConfidence=" + missingConfidence
                + ", maxClarifications=" + maxClarifications + ", clarificationWindow=" + clarificationWindow
                + ", escalationNode=" + escalationNode + ", shadowThreshold=" + shadowThreshold + "]";
    }
}
