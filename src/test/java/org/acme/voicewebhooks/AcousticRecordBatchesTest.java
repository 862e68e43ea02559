package org.acme.voicewebhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;

/** Batches are bounded by bytes as well as by count, so large records never pile up in memory before a write. */
class AcousticRecordBatchesTest extends WebhookTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH_MAX_BYTES = 65_536;
    /** About 20 KB a record: the fourth record of a batch passes the bound. */
    private static final String FEATURES = "QUJD".repeat(5_000);

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        p.setProperty("acoustic.batch-max-bytes", String.valueOf(BATCH_MAX_BYTES));
        // so long that only the byte bound completes batches while the test sends
        p.setProperty("acoustic.flush-interval-ms", "10000");
        p.setProperty("acoustic.file-time-pattern", "'slot'");
        return p;
    }

    private List<String> lines() {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(acousticDir)) {
            for (Path file : files.sorted().toList()) {
                lines.addAll(Files.readAllLines(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    @Test
    void largeRecordsAreAllWrittenAsWholeLinesInBatchesBoundedByBytes() throws Exception {
        List<Integer> batches = new CopyOnWriteArrayList<>();
        AdviceWith.adviceWith(context, "acoustic-record-write", route -> route.weaveById("append-records").before()
                .process(batch -> batches.add(batch.getProperty(Exchange.AGGREGATED_SIZE, Integer.class))));
        int sent = 12;
        for (int i = 0; i < sent; i++) {
            assertThat(send(HttpRequest.newBuilder(url("/webhook")).header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"sessionId\":\"big-" + i + "\",\"flowId\":\"f\","
                            + "\"asr\":{\"confidence\":0.9,\"text\":\"hello\"},\"audio\":{\"features\":\"" + FEATURES + "\"}}")))
                    .statusCode()).isEqualTo(200);
        }

        await().atMost(Duration.ofSeconds(25)).until(() -> lines().size() >= sent);
        List<String> lines = lines();
        assertThat(lines).hasSize(sent);
        List<String> sessions = new ArrayList<>();
        for (String line : lines) {
            JsonNode record = JSON.readTree(line);
            assertThat(record.get("rawFeatures").asText()).isEqualTo(FEATURES);
            sessions.add(record.get("sessionId").asText());
        }
        assertThat(sessions).doesNotHaveDuplicates().hasSize(sent);
        int recordBytes = lines.get(0).length() + 1;
        // a batch is written with the record that takes it to the bound (4 records here), never waiting for more
        assertThat(batches).hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(records -> assertThat((records - 1) * recordBytes).isLessThan(BATCH_MAX_BYTES));
        assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(sent);
    }
}
