package org.acme.voicewebhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A DEAD_LETTER_DIR that cannot be written is one behaviour, admin key or not: the service starts not ready, naming the
 * store and DEAD_LETTER_DIR in one log line without a stack trace, replay answers 503, and readiness comes up once the
 * folder can be written.
 */
class DeadLetterDirUnwritableTest {

    private static final String ADMIN_KEY = "admin-test-key";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path temp;

    private HttpResponse<String> call(ServiceInstance instance, HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> readiness(ServiceInstance instance) {
        return call(instance, HttpRequest.newBuilder(URI.create(instance.url("/observe/health/ready"))).GET());
    }

    private HttpResponse<String> replay(ServiceInstance instance) {
        return call(instance, HttpRequest.newBuilder(URI.create(instance.url("/admin/dead-letters/replay")))
                .header("X-Admin-Key", ADMIN_KEY).POST(HttpRequest.BodyPublishers.ofString("{\"all\":true}")));
    }

    @ParameterizedTest(name = "admin key set: {0}")
    @ValueSource(booleans = {false, true})
    void theServiceStartsNotReadyNamingDeadLetterDirUntilTheFolderCanBeWritten(boolean adminKey) throws Exception {
        // a folder under a regular file: no one can create it, root included
        Path blocker = Files.createFile(temp.resolve("not-a-folder.txt"));
        Path deadLetterDir = blocker.resolve("dead-letter");
        Properties p = new Properties();
        p.setProperty("cognigy.base-url", "http://127.0.0.1:9");
        p.setProperty("cognigy.client-id", "c");
        p.setProperty("cognigy.client-secret", "s");
        p.setProperty("cognigy.api-key", "k");
        p.setProperty("acoustic.dir", temp.resolve("acoustic").toString());
        p.setProperty("deadletter.dir", deadLetterDir.toString());
        if (adminKey) {
            p.setProperty("admin.api-key", ADMIN_KEY);
        }

        try (LogCapture logs = LogCapture.open(); ServiceInstance instance = ServiceInstance.start(p)) {
            HttpResponse<String> ready = readiness(instance);

            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("dead-letter-store", "DOWN", "DEAD_LETTER_DIR");
            assertThat(call(instance, HttpRequest.newBuilder(URI.create(instance.url("/observe/health/live"))).GET())
                    .statusCode()).isEqualTo(200);
            if (adminKey) {
                HttpResponse<String> replay = replay(instance);
                assertThat(replay.statusCode()).isEqualTo(503);
                assertThat(replay.headers().firstValue("Content-Type")).hasValue("application/json");
                assertThat(replay.body()).isEqualTo("{\"error\":\"Dead-letter store unavailable\"}");
            }
            assertThat(logs.lines()).filteredOn(line -> line.startsWith("dead-letter store: DEAD_LETTER_DIR")).singleElement()
                    .asString().contains(deadLetterDir.toString(), "cannot be written", "Exception)", "readiness is DOWN");
            assertThat(logs.lines()).noneSatisfy(line -> assertThat(line).containsAnyOf("\tat ", "Not a directory"));

            // the volume is mended: readiness comes back by itself, and replay works
            Files.delete(blocker);
            await().atMost(Duration.ofSeconds(10)).until(() -> readiness(instance).statusCode() == 200);
            if (adminKey) {
                assertThat(replay(instance).statusCode()).isEqualTo(200);
            }
        }
    }
}
