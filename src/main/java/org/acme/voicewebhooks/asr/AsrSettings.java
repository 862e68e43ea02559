package org.acme.voicewebhooks.asr;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.acme.voicewebhooks.config.Settings;
import org.apache.camel.spi.PropertiesComponent;

/** The ASR webhook's key and thresholds, checked once at start-up. */
public record AsrSettings(String webhookApiKey, double defaultThreshold, Map<String, Double> flowThresholds) {

    public static final String FLOW_THRESHOLD_PREFIX = "asr.flow-threshold.";

    public static AsrSettings from(Settings s, PropertiesComponent properties) {
        Properties overrides = properties.loadProperties(key -> key.startsWith(FLOW_THRESHOLD_PREFIX));
        Map<String, Double> flows = new TreeMap<>();
        for (String key : overrides.stringPropertyNames()) {
            flows.put(key.substring(FLOW_THRESHOLD_PREFIX.length()), s.decimal(key, 0.0, 1.0));
        }
        return new AsrSettings(
                s.required("asr.webhook-api-key", "ASR_WEBHOOK_API_KEY (or COGNIGY_API_KEY)"),
                s.decimal("asr.confidence-threshold", 0.0, 1.0, "ASR_THRESHOLD"),
                Map.copyOf(flows));
    }

    /** The threshold of a flow: its own override, else the default. */
    public double thresholdFor(String flowId) {
        return flowThresholds.getOrDefault(flowId, defaultThreshold);
    }

    @Override
    public String toString() {
        return "AsrSettings[defaultThreshold=" + defaultThreshold + ", flowThresholds=" + flowThresholds + "]";
    }
}
