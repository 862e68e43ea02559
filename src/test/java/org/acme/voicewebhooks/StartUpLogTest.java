package org.acme.voicewebhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the start-up log tells an operator: each setting as in effect, the endpoints where they listen, why a start stopped. */
class StartUpLogTest extends WebhookTestSupport {

    @Test
    void theSummaryShowsTheValuesInEffectNotThePlaceholders() throws Exception {
        Properties p = useOverridePropertiesWithPropertiesComponent();
        p.setProperty("service.instance-name", "summary");

        try (LogCapture logs = LogCapture.open()) {
            try (ServiceInstance instance = ServiceInstance.start(p)) {
                assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                        .endsWith("camel.management.port = " + instance.port));
            }

            assertThat(logs.lines()).contains("Settings in effect (secrets masked)");
            // {{env:WEBHOOK_BUDGET_MS:2500}} and {{env:DEAD_LETTER_ENDPOINT:file:{{deadletter.dir}}?…}} in the file
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).matches(" *\\[application.properties\\] +webhook.budget-ms = 2500"));
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                    .endsWith("deadletter.endpoint = file:" + deadLetterDir + "?fileExist=Append&forceWrites=true"));
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).matches(" *\\[override\\] +service.instance-name = summary"));
            assertThat(logs.lines()).noneSatisfy(line -> assertThat(line).contains("{{"));
        }
    }

    @Test
    void theEndpointListShowsTheAddressTheListenerIsBoundTo() throws Exception {
        Properties p = useOverridePropertiesWithPropertiesComponent();
        p.setProperty("service.instance-name", "endpoints");

        try (LogCapture logs = LogCapture.open()) {
            int bound;
            try (ServiceInstance instance = ServiceInstance.start(p)) {
                bound = instance.port;
            }

            assertThat(logs.lines()).contains("HTTP endpoints",
                    "    http://127.0.0.1:" + bound + "/webhook (POST)",
                    "    http://127.0.0.1:" + bound + "/webhook/cognigy/barge-in (POST)",
                    "    http://127.0.0.1:" + bound + "/observe/health (GET)");
            assertThat(logs.lines()).noneSatisfy(line -> assertThat(line).contains("0.0.0.0"));
        }
    }

    @Test
    void aStartStoppedByABadSettingNamesItAndNoSigterm(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("service.log");
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), Application.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("PORT", String.valueOf(freePort()));
        env.put("HOST", "127.0.0.1");
        env.put("COGNIGY_BASE_URL", cognigy.baseUrl());
        env.put("COGNIGY_CLIENT_ID", "id");
        env.put("COGNIGY_CLIENT_SECRET", "secret");
        env.put("COGNIGY_API_KEY", "key");
        env.put("ACOUSTIC_DIR", dir.resolve("acoustic").toString());
        env.put("DEAD_LETTER_DIR", dir.resolve("dead-letter").toString());
        env.put("ASR_THRESHOLD", "2");
        env.put("ASR_NODE_THRESHOLDS", "confirm-amount");
        Process service = builder.start();
        try {
            assertThat(service.waitFor(60, TimeUnit.SECONDS)).as("the service exits").isTrue();

            assertThat(service.exitValue()).isEqualTo(2);
            String output = Files.readString(log);
            assertThat(output).contains(
                    "Start-up stopped: ASR_THRESHOLD (setting asr.confidence-threshold) must be a number from 0.0 to 1.0, was '2'",
                    "Start-up stopped: ASR_NODE_THRESHOLDS (setting asr.node-thresholds) entries must be id=<number from 0.0 "
                            + "to 1.0>, was 'confirm-amount'");
            assertThat(output).doesNotContain("SIGTERM");
        } finally {
            service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
