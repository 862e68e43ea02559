package org.acme.voicewebhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DELETE /admin/acoustic-records?sessionId=…: a session's records erased while other webhooks keep writing. */
class AcousticRecordErasureTest extends WebhookTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_KEY = "admin-test-key";
    private static final String PSEUDONYMISE_KEY = "test-pseudonymise-key-4711";

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        p.setProperty("admin.api-key", ADMIN_KEY);
        p.setProperty("acoustic.pseudonymise-key", PSEUDONYMISE_KEY);
        // small files, so an erasure rewrites several of them
        p.setProperty("acoustic.max-file-bytes", "4096");
        p.setProperty("acoustic.file-time-pattern", "'slot'");
        // records wait a second for their batch: the erasure finds some of them still in memory
        p.setProperty("acoustic.flush-interval-ms", "1000");
        return p;
    }

    private HttpResponse<String> postAsr(String sessionId, String text) {
        return postAsr(url("/webhook"), sessionId, text);
    }

    private HttpResponse<String> postAsr(ServiceInstance instance, String sessionId, String text) {
        return postAsr(URI.create(instance.url("/webhook")), sessionId, text);
    }

    private HttpResponse<String> postAsr(URI webhook, String sessionId, String text) {
        String body = "{\"sessionId\":\"" + sessionId + "\",\"flowId\":\"f\",\"nodeId\":\"n\",\"asr\":{\"confidence\":0.9,"
                + "\"text\":\"" + text + "\"},\"audio\":{\"durationMs\":900,\"sampleRate\":16000,\"features\":\"AAEC\"}}";
        return send(HttpRequest.newBuilder(webhook).header("Content-Type", "application/json")
                .header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> erase(String query, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url("/admin/acoustic-records" + query)).DELETE();
        return send(key == null ? request : request.header("X-Admin-Key", key));
    }

    private static String pseudonym(String sessionId) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(PSEUDONYMISE_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(sessionId.getBytes(StandardCharsets.UTF_8)));
    }

    /** Every line of every record file, as it is on disk. */
    private List<String> lines() {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(acousticDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("acoustic-")).sorted().toList()) {
                String content = Files.readString(file);
                assertThat(content).as("%s ends in a whole line", file).satisfiesAnyOf(
                        c -> assertThat(c).isEmpty(), c -> assertThat(c).endsWith("\n"));
                lines.addAll(content.lines().toList());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    private List<JsonNode> records() {
        return lines().stream().map(line -> {
            try {
                return JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("a torn or unreadable line: " + line, e);
            }
        }).toList();
    }

    @Test
    void erasureNeedsTheAdminKeyAndASessionId() {
        HttpResponse<String> noKey = erase("?sessionId=s-1", null);
        HttpResponse<String> wrongKey = erase("?sessionId=s-1", "wrong");
        HttpResponse<String> noSession = erase("", ADMIN_KEY);

        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(noKey.body()).isEqualTo("{\"error\":\"Unauthorized\"}");
        assertThat(wrongKey.statusCode()).isEqualTo(401);
        assertThat(noSession.statusCode()).isEqualTo(400);
        assertThat(noSession.body()).isEqualTo("{\"error\":\"Missing sessionId\"}");
        assertThat(noSession.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    }

    @Test
    void aSessionIsErasedWhileOtherWebhooksKeepWriting() throws Exception {
        String erased = "sess-erase-me";
        for (int i = 0; i < 10; i++) {
            assertThat(postAsr(erased, "written before " + i).statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> lines().size() >= 10);

        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger afterErasure = new AtomicInteger();
        AtomicBoolean erasedYet = new AtomicBoolean();
        ExecutorService writers = Executors.newFixedThreadPool(4);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int writer = t;
            running.add(writers.submit(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String text = "writer " + writer + " utterance " + i;
                    if (postAsr("sess-keep-" + writer, text).statusCode() == 200) {
                        accepted.add(text);
                        if (erasedYet.get()) {
                            afterErasure.incrementAndGet();
                        }
                    }
                }
            }));
        }
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> accepted.size() >= 40);
            // some of these still wait in memory for their write when the erasure runs
            for (int i = 0; i < 10; i++) {
                assertThat(postAsr(erased, "written around " + i).statusCode()).isEqualTo(200);
            }
            HttpResponse<String> answer = erase("?sessionId=" + erased, ADMIN_KEY);
            erasedYet.set(true);

            assertThat(answer.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(answer.body());
            assertThat(body.get("sessionId").asText()).isEqualTo(erased);
            assertThat(body.get("removed").asInt()).isBetween(10, 20);
            await().atMost(Duration.ofSeconds(20)).until(() -> afterErasure.get() >= 40);
        } finally {
            stop.set(true);
            for (Future<?> writer : running) {
                writer.get();
            }
            writers.shutdown();
        }

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(records()).hasSize(accepted.size()));
        List<JsonNode> records = records();
        String erasedId = pseudonym(erased);
        assertThat(records).noneSatisfy(r -> assertThat(r.get("sessionId").asText()).isIn(erasedId, erased));
        Map<String, Long> copies = records.stream()
                .collect(Collectors.groupingBy(r -> r.get("utterance").asText(), Collectors.counting()));
        assertThat(copies.keySet()).containsExactlyInAnyOrderElementsOf(accepted);
        assertThat(copies.values()).allMatch(n -> n == 1);
        assertThat(records).allSatisfy(r -> assertThat(r.get("sessionId").asText()).matches("[0-9a-f]{64}"));
        assertThat(records.stream().map(r -> r.get("sessionId").asText()).collect(Collectors.toSet()))
                .contains(pseudonym("sess-keep-0"));
    }

    @Test
    void recordsCarryRedactedUtterances() {
        assertThat(postAsr("sess-card", "my card is 4111 1111 1111 1111 and cvv 123").statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(records())
                .anySatisfy(r -> assertThat(r.get("utterance").asText()).isEqualTo("my card is [REDACTED] and cvv [REDACTED]")));
        assertThat(String.join("\n", lines())).doesNotContain("4111").doesNotContain("sess-card");
    }

    @Test
    void anErasureReachesTheFilesOfAnEarlierInstanceName(@TempDir Path folder) throws Exception {
        Properties settings = useOverridePropertiesWithPropertiesComponent();
        settings.setProperty("acoustic.dir", folder.toString());
        settings.setProperty("acoustic.flush-interval-ms", "10");
        settings.setProperty("service.instance-name", "pod-a");
        try (ServiceInstance before = ServiceInstance.start(settings)) {
            for (int i = 0; i < 3; i++) {
                assertThat(postAsr(before, "sess-gone", "said before the rollout " + i).statusCode()).isEqualTo(200);
                assertThat(postAsr(before, "sess-stays", "said before the rollout " + i).statusCode()).isEqualTo(200);
            }
        }
        Path earlier;
        try (Stream<Path> files = Files.list(folder)) {
            earlier = files.filter(f -> f.getFileName().toString().startsWith("acoustic-")).collect(Collectors.toList()).get(0);
        }
        assertThat(earlier.getFileName().toString()).endsWith("-pod-a.jsonl");
        List<String> written = Files.readAllLines(earlier);
        assertThat(written).hasSize(6);
        String gone = pseudonym("sess-gone");

        settings.setProperty("service.instance-name", "pod-b");
        try (ServiceInstance after = ServiceInstance.start(settings)) {
            HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(after.url("/admin/acoustic-records?sessionId=sess-gone")))
                    .header("X-Admin-Key", ADMIN_KEY).DELETE());

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("{\"sessionId\":\"sess-gone\",\"removed\":3}");
        }
        assertThat(Files.readAllLines(earlier)).hasSize(3).containsExactlyElementsOf(
                written.stream().filter(line -> !line.contains("\"sessionId\":\"" + gone + "\"")).toList());
        assertThat(Files.readString(earlier)).contains(pseudonym("sess-stays")).doesNotContain(gone);
    }
}
