package org.acme.voicewebhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** A record folder that cannot be written: webhooks still answer at once, and every record is counted as lost. */
class AcousticRecordLossTest extends WebhookTestSupport {

    private static final String FEATURES = "U0VDUkVULUFVRElP";

    /** A folder under a regular file: not even root can create it (tests may run as root, where chmod stops nothing). */
    private Path unwritableDir;

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        p.setProperty("acoustic.dir", unwritableDir().toString());
        return p;
    }

    private Path unwritableDir() {
        if (unwritableDir == null) {
            try {
                unwritableDir = Files.createTempFile(tempRoot, "acoustic-", ".not-a-folder").resolve("records");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return unwritableDir;
    }

    private HttpResponse<String> postAsr(String sessionId) {
        return send(HttpRequest.newBuilder(url("/webhook")).header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"sessionId\":\"" + sessionId + "\",\"flowId\":\"f\","
                        + "\"asr\":{\"confidence\":0.9,\"text\":\"my card number\"},\"audio\":{\"durationMs\":900,"
                        + "\"sampleRate\":16000,\"features\":\"" + FEATURES + "\"}}")));
    }

    @Test
    void recordsThatCannotBeWrittenAreCountedAsLostWhileWebhooksAnswerAtOnce() {
        int sent = 7;
        try (LogCapture logs = LogCapture.open()) {
            for (int i = 0; i < sent; i++) {
                long start = System.nanoTime();
                HttpResponse<String> answer = postAsr("lost-" + i);

                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
            }

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    send(HttpRequest.newBuilder(url("/observe/metrics")).GET()).body())
                    .contains("acoustic_records_lost_total " + sent + ".0")
                    .doesNotContain("acoustic_records_total"));
            assertThat(logs.lines()).filteredOn(line -> line.contains("counted as lost")).isNotEmpty()
                    .allSatisfy(line -> assertThat(line).matches("\\d+ acoustic records \\(\\d+ bytes\\) could not be appended to "
                            + unwritableDir + " in 3 attempts \\(NotDirectoryException\\); counted as lost"));
            assertThat(logs.lines()).noneSatisfy(line -> assertThat(line).containsAnyOf(FEATURES, "my card number"));
        }
        assertThat(unwritableDir.getParent()).as("still a file, so the folder never existed").isRegularFile();
    }
}
