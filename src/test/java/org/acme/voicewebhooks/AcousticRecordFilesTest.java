package org.acme.voicewebhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;

/** The record files: rolling by size, whole lines under load, nothing lost on shutdown, retention. */
class AcousticRecordFilesTest extends WebhookTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_FILE_BYTES = 2048;

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        p.setProperty("acoustic.max-file-bytes", String.valueOf(MAX_FILE_BYTES));
        // one time slot for the whole test, so only size makes files roll
        p.setProperty("acoustic.file-time-pattern", "'slot'");
        p.setProperty("acoustic.retention-days", "2");
        p.setProperty("acoustic.retention-sweep-ms", "200");
        p.setProperty("camel.main.shutdown-timeout", "30");
        return p;
    }

    private HttpResponse<String> postAsr(HttpClient http, String sessionId, String features) {
        String body = "{\"sessionId\":\"" + sessionId + "\",\"flowId\":\"f\",\"nodeId\":\"n\",\"asr\":{\"confidence\":0.9,"
                + "\"text\":\"hello\"},\"audio\":{\"durationMs\":900,\"sampleRate\":16000,\"features\":\"" + features + "\"}}";
        try {
            return http.send(HttpRequest.newBuilder(url("/webhook")).header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private List<Path> recordFiles() {
        try (Stream<Path> files = Files.list(acousticDir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("acoustic-")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (Path file : recordFiles()) {
            try {
                lines.addAll(Files.readAllLines(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return lines;
    }

    @Test
    void aFileRollsToTheNextSequenceBeforeItPassesTheSizeLimit() {
        HttpClient http = HttpClient.newHttpClient();
        String features = "A".repeat(400);
        for (int i = 0; i < 12; i++) {
            assertThat(postAsr(http, "roll-" + i, features).statusCode()).isEqualTo(200);
            int written = i + 1;
            await().atMost(Duration.ofSeconds(5)).until(() -> lines().size() == written);
        }

        List<Path> files = recordFiles();
        assertThat(files).hasSizeGreaterThan(3);
        List<String> names = files.stream().map(f -> f.getFileName().toString()).toList();
        assertThat(names).filteredOn(n -> n.matches("acoustic-slot-test-instance\\.jsonl")).hasSize(1);
        assertThat(names).filteredOn(n -> n.matches("acoustic-slot-test-instance-\\d+\\.jsonl"))
                .hasSize(files.size() - 1);
        assertThat(files).allSatisfy(f -> assertThat(Files.size(f)).isLessThanOrEqualTo(MAX_FILE_BYTES));
        assertThat(lines()).hasSize(12);
    }

    @Test
    void concurrentRecordsAreWholeLinesEachWrittenOnce() throws Exception {
        int requests = 2000;
        String features = "QUJD".repeat(2048); // 8 KiB, above the 4 KiB a single pipe write keeps whole
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();
        ExecutorService callers = Executors.newFixedThreadPool(64);
        try {
            List<CompletableFuture<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                String sessionId = "c-" + i;
                answers.add(CompletableFuture.supplyAsync(() -> postAsr(http, sessionId, features).statusCode(), callers));
            }
            for (CompletableFuture<Integer> a : answers) {
                assertThat(a.get()).isEqualTo(200);
            }
        } finally {
            callers.shutdownNow();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> lines().size() >= requests);
        List<String> lines = lines();
        assertThat(lines).hasSize(requests);
        Map<String, Long> perSession = lines.stream().map(line -> {
            try {
                JsonNode record = JSON.readTree(line);
                assertThat(record.get("rawFeatures").asText()).isEqualTo(features);
                return record.get("sessionId").asText();
            } catch (IOException e) {
                throw new AssertionError("torn line: " + line.substring(0, Math.min(80, line.length())), e);
            }
        }).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(perSession).hasSize(requests);
        assertThat(Collections.max(perSession.values())).isEqualTo(1L);
    }

    @Test
    void aSlowDiskNeverHoldsTheAnswer() throws Exception {
        CountDownLatch disk = new CountDownLatch(1);
        AdviceWith.adviceWith(context, "acoustic-record-write", route -> route.weaveAddFirst().process(e -> disk.await()));
        try {
            HttpResponse<String> answer = postAsr(HttpClient.newHttpClient(), "slow-disk", "QUJD");

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(lines()).isEmpty();
        } finally {
            disk.countDown();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> lines().size() == 1);
    }

    @Test
    void recordsAcceptedBeforeAGracefulShutdownAreOnDiskAfterIt() throws Exception {
        // a slow disk, so records are still queued behind the answers when the stop begins
        AdviceWith.adviceWith(context, "acoustic-record-write", route -> route.weaveAddFirst().delay(20));
        HttpClient http = HttpClient.newHttpClient();
        int accepted = 50;
        for (int i = 0; i < accepted; i++) {
            assertThat(postAsr(http, "stop-" + i, "QUJD".repeat(256)).statusCode()).isEqualTo(200);
        }

        context.stop();

        assertThat(lines()).hasSize(accepted);
        assertThat(lines()).allSatisfy(line -> assertThat(JSON.readTree(line).get("sessionId").asText()).startsWith("stop-"));
    }

    @Test
    void filesPastTheRetentionAreDeleted() throws Exception {
        Path old = Files.writeString(acousticDir.resolve("acoustic-2026-01-01T00-test-instance.jsonl"), "{}\n");
        Path otherInstanceOld = Files.writeString(acousticDir.resolve("acoustic-2026-01-01T00-other.jsonl"), "{}\n");
        Path recent = Files.writeString(acousticDir.resolve("acoustic-2026-01-04T00-test-instance.jsonl"), "{}\n");
        Path notARecord = Files.writeString(acousticDir.resolve("notes.txt"), "keep");
        FileTime threeDaysAgo = FileTime.from(Instant.now().minus(Duration.ofDays(3)));
        Files.setLastModifiedTime(old, threeDaysAgo);
        Files.setLastModifiedTime(otherInstanceOld, threeDaysAgo);
        Files.setLastModifiedTime(notARecord, threeDaysAgo);
        Files.setLastModifiedTime(recent, FileTime.from(Instant.now().minus(Duration.ofDays(1))));

        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(old) && !Files.exists(otherInstanceOld));

        assertThat(recent).exists();
        assertThat(notARecord).exists();
    }
}
