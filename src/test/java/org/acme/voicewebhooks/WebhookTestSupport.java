package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots the real application (root application.properties and routes/) on a free port, with Cognigy as a
 * WireMock server on another free port; both talk real HTTP on 127.0.0.1.
 */
public abstract class WebhookTestSupport extends CamelMainTestSupport {

    protected static final String LOGIN = "/api/v1/auth/login";
    protected static final String CLIENT_ID = "test-client";
    protected static final String CLIENT_SECRET = "test-secret-value";
    protected static final String COGNIGY_API_KEY = "test-api-key";
    protected static final String ASR_WEBHOOK_KEY = "caller-key-4711";

    @RegisterExtension
    protected static final WireMockExtension cognigy = WireMockExtension.newInstance()
            // delayed answers must not hold a server thread each, or hung calls starve every other request
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").containerThreads(100)
                    .asynchronousResponseEnabled(true).asynchronousResponseThreads(50))
            .build();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    // the override properties are read in the constructor, before instance fields exist
    protected static final int port = freePort();
    /** This class's temporary folders and files: JUnit deletes them once its tests (and their contexts) are done. */
    @TempDir
    protected static Path tempRoot;
    /** This test's acoustic record and dead-letter folders, made when the properties are read. */
    protected Path acousticDir;
    protected Path deadLetterDir;

    @BeforeEach
    protected void stubLogin() {
        cognigy.stubFor(post(urlEqualTo(LOGIN)).willReturn(okJson("{\"accessToken\":\"t-1\",\"expiresIn\":3600}")));
    }

    @Override
    protected Class<?> getMainClass() {
        return Application.class;
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        Application.configure(configuration);
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return Application.PROPERTY_LOCATIONS;
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = new Properties();
        p.setProperty("camel.server.port", String.valueOf(port));
        p.setProperty("camel.server.host", "127.0.0.1");
        p.setProperty("cognigy.base-url", cognigy.baseUrl());
        p.setProperty("cognigy.client-id", CLIENT_ID);
        p.setProperty("cognigy.client-secret", CLIENT_SECRET);
        p.setProperty("cognigy.api-key", COGNIGY_API_KEY);
        // short enough to test timeouts quickly, long enough for a cold JVM's first call
        p.setProperty("cognigy.read-timeout-ms", "1000");
        p.setProperty("asr.webhook-api-key", ASR_WEBHOOK_KEY);
        p.setProperty("acoustic.dir", acousticDir().toString());
        p.setProperty("service.instance-name", "test-instance");
        p.setProperty("deadletter.dir", deadLetterDir().toString());
        return p;
    }

    protected Path acousticDir() {
        if (acousticDir == null) {
            acousticDir = tempDir("acoustic-");
        }
        return acousticDir;
    }

    protected Path deadLetterDir() {
        if (deadLetterDir == null) {
            deadLetterDir = tempDir("dead-letter-");
        }
        return deadLetterDir;
    }

    private static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(tempRoot, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected HttpResponse<String> postJson(String path, String body) {
        return send(HttpRequest.newBuilder(url(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    protected HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(15)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** A sample payload from src/test/resources, the same files the README's curl examples use. */
    protected static String sample(String name) {
        try {
            return Files.readString(Path.of("src/test/resources", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
