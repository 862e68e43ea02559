package org.acme.voicewebhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two instances of the service in one JVM, each with its own port and settings, as the scale-out tests use them. */
class ServiceInstanceTest {

    @Test
    void twoInstancesServeSideBySideWithTheirOwnSettings(@TempDir Path temp) throws Exception {
        Properties settings = new Properties();
        settings.setProperty("acoustic.dir", Files.createTempDirectory(temp, "acoustic-").toString());
        settings.setProperty("deadletter.dir", Files.createTempDirectory(temp, "dead-letter-").toString());
        settings.setProperty("cognigy.base-url", "http://127.0.0.1:9");
        settings.setProperty("cognigy.client-id", "c");
        settings.setProperty("cognigy.client-secret", "s");
        settings.setProperty("cognigy.api-key", "k");
        Properties second = new Properties();
        second.putAll(settings);
        second.setProperty("asr.path", "/second");
        HttpClient http = HttpClient.newHttpClient();

        try (ServiceInstance a = ServiceInstance.start(settings); ServiceInstance b = ServiceInstance.start(second)) {
            assertThat(a.port).isNotEqualTo(b.port);
            for (String url : new String[] {a.url("/webhook"), b.url("/second")}) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url)).header("X-Cognigy-API-Key", "k")
                        .POST(HttpRequest.BodyPublishers.ofString("not json")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(400);
            }
        }
    }
}
