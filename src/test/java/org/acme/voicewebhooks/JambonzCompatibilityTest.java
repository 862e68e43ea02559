package org.acme.voicewebhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.acme.voicewebhooks.webhook.CallerAuthProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our signatures against an implementation nobody here wrote: jambonz's @jambonz/node-client, installed from npm
 * into target/ by this test. It must accept what we sign and reject a tampered body; we must accept what it signs.
 */
class JambonzCompatibilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PREFIX = Path.of("target", "jambonz");
    private static final String CLIENT = "@jambonz/node-client@0.4.11";

    private static String run(Path log, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
        builder.environment().put("NODE_PATH", PREFIX.resolve("node_modules").toAbsolutePath().toString());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), Files.readString(log)).isZero();
        return out;
    }

    @Test
    void jambonzAcceptsOurSignaturesAndWeAcceptItsOwn(@TempDir Path temp) throws Exception {
        Files.createDirectories(PREFIX);
        Path log = temp.resolve("jambonz.log");
        if (!Files.isDirectory(PREFIX.resolve("node_modules/@jambonz/node-client"))) {
            run(log, "npm", "install", "--prefix", PREFIX.toString(), "--no-audit", "--no-fund", "--loglevel=error", CLIENT);
        }
        long now = Instant.now().getEpochSecond();
        String unicode = "{\"sessionId\":\"sess-ü-\\\"1\\\"\",\"transcript\":\"wait\\nplease ☎\",\"confidence\":0.91}";
        List<Map<String, Object>> vectors = new ArrayList<>();
        vectors.add(vector(List.of("s3cret"), "s3cret", now, unicode, unicode));
        vectors.add(vector(List.of("old", "new"), "old", now - 200, "{\"a\":1}", "{\"a\":1}"));
        vectors.add(vector(List.of("s3cret"), "s3cret", now, unicode, unicode.replace("0.91", "0.92")));
        Path file = PREFIX.resolve("vectors.json");
        Files.writeString(file, JSON.writeValueAsString(vectors));

        JsonNode result = JSON.readTree(run(log, "node", "src/test/node/jambonz-compat.js", file.toString()));

        assertThat(result.get("accepted").get(0).asBoolean()).as("jambonz accepts our signature of a unicode body").isTrue();
        assertThat(result.get("accepted").get(1).asBoolean()).as("jambonz accepts a rotated secret we signed with").isTrue();
        assertThat(result.get("accepted").get(2).asBoolean()).as("jambonz rejects a body altered after signing").isFalse();
        JsonNode nodeSigned = result.get("nodeSigned").get(0);
        CallerAuthProcessor ours = new CallerAuthProcessor(CallerAuthProcessor.Mode.JAMBONZ_SIGNATURE,
                List.of(nodeSigned.get("secret").asText()), 300, null, Clock.systemUTC());
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(
                new org.apache.camel.impl.DefaultCamelContext());
        exchange.getMessage().setHeader("Jambonz-Signature", nodeSigned.get("header").asText());
        exchange.getMessage().setBody(nodeSigned.get("body").asText().getBytes(StandardCharsets.UTF_8));
        ours.process(exchange); // throws 401 when it does not verify
    }

    private static Map<String, Object> vector(List<String> secrets, String signWith, long t, String signed, String sent) {
        return Map.of("secrets", secrets, "body", sent, "header", "t=" + t + ",v1="
                + CallerAuthProcessor.sign(signWith.getBytes(StandardCharsets.UTF_8), t, signed.getBytes(StandardCharsets.UTF_8)));
    }
}
