package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Properties;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** HTTPS on the listener from a keystore made here, and Cognigy over HTTPS verified against a configured trust store. */
class TlsTest extends WebhookTestSupport {

    static final String PASSWORD = "changeit";
    static final Path KEYSTORE = keystore();

    @RegisterExtension
    static final WireMockExtension secureCognigy = WireMockExtension.newInstance()
            .options(wireMockConfig().httpDisabled(true).dynamicHttpsPort().bindAddress("127.0.0.1")
                    .keystorePath(KEYSTORE.toString()).keystorePassword(PASSWORD).keyManagerPassword(PASSWORD)
                    .keystoreType("PKCS12"))
            .build();

    /**
     * A self-signed certificate for 127.0.0.1, made with the JDK's keytool. In target/: the WireMock extension needs it
     * when the class loads, before JUnit makes temporary folders.
     */
    static Path keystore() {
        try {
            Path dir = Files.createDirectories(Path.of("target", "tls").toAbsolutePath());
            Path keystore = dir.resolve("keystore.p12");
            Files.deleteIfExists(keystore);
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "service", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                    "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
            if (keytool.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + Files.readString(dir.resolve("keytool.log")));
            }
            return keystore;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        p.setProperty("camel.ssl.enabled", "true");
        p.setProperty("camel.server.use-global-ssl-context-parameters", "true");
        p.setProperty("camel.ssl.key-store", "file:" + KEYSTORE);
        p.setProperty("camel.ssl.keystore-password", PASSWORD);
        p.setProperty("cognigy.base-url", "https://127.0.0.1:" + secureCognigy.getHttpsPort());
        p.setProperty("cognigy.trust-store", "file:" + KEYSTORE);
        p.setProperty("cognigy.trust-store-password", PASSWORD);
        return p;
    }

    private static HttpClient trustingClient() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(KEYSTORE)) {
            store.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void webhooksAndHealthAreServedOverHttpsAndCognigyIsCalledOverVerifiedHttps() throws Exception {
        secureCognigy.stubFor(post(urlEqualTo(LOGIN)).willReturn(okJson("{\"accessToken\":\"t-1\",\"expiresIn\":3600}")));
        secureCognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(okJson("{\"success\":true}")));
        secureCognigy.stubFor(post(urlPathMatching(".*/variables")).willReturn(okJson("{\"updatedVariables\":5}")));
        HttpClient https = trustingClient();

        HttpResponse<String> answer = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                        + "/webhook/cognigy/barge-in")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(sample("barge-in-confident.json"))).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> health = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                + "/observe/health/live")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).startsWith("{\"status\":\"processed\"");
        assertThat(health.statusCode()).isEqualTo(200);
        secureCognigy.verify(postRequestedFor(urlEqualTo("/api/v1/sessions/sess_8f3a2b1c/voice/commands")));
        assertThatThrownBy(() -> postJson("/webhook/cognigy/barge-in", sample("barge-in-confident.json")))
                .as("plain HTTP is not served").isInstanceOf(RuntimeException.class);
    }
}
