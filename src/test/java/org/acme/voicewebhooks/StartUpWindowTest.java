package org.acme.voicewebhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.CamelContext;
import org.apache.camel.Ordered;
import org.apache.camel.StartupListener;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The listener opens before the routes run: until they do, every request gets 503 {"error":"Starting"} with
 * Retry-After (a 404 would tell the platform the URL is wrong), and the webhooks answer as usual once they run.
 */
class StartUpWindowTest {

    /** Where the test holds start-up: the listener is open, the routes are warmed up, no consumer runs yet. */
    enum Hold {
        /** Before the JSON error handlers: Vert.x's own HTML 404. */
        BEFORE_JSON_ERRORS(Ordered.HIGHEST),
        /** After them: JSON 404s. */
        AFTER_JSON_ERRORS(Ordered.LOWEST);

        final int order;

        Hold(int order) {
            this.order = order;
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    /** Holds start-up on {@code release} at {@code hold}; {@code held} opens once it is there. */
    private static MainListenerSupport holding(Hold hold, CountDownLatch held, CountDownLatch release) {
        class Holder implements StartupListener, Ordered {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
                if (held.getCount() > 0) {
                    holdOn(held, release);
                }
            }

            @Override
            public int getOrder() {
                return hold.order;
            }
        }
        return new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport main) {
                try {
                    main.getCamelContext().addStartupListener(new Holder());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    private static void holdOn(CountDownLatch held, CountDownLatch release) {
        held.countDown();
        try {
            assertThat(release.await(60, TimeUnit.SECONDS)).as("the test released start-up").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> post(int port, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertStarting(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as("%s answered %s", answer.uri(), answer.body()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(answer.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Integer.parseInt(seconds)).isPositive());
        assertThat(answer.body()).isEqualTo("{\"error\":\"Starting\"}");
    }

    @ParameterizedTest
    @EnumSource(Hold.class)
    void theListenerAnswersStartingUntilTheWebhooksRun(Hold hold) throws Exception {
        int port = WebhookTestSupport.freePort();
        Properties settings = new Properties();
        settings.setProperty("camel.server.port", String.valueOf(port));
        settings.setProperty("camel.server.host", "127.0.0.1");
        settings.setProperty("acoustic.dir", Files.createDirectory(dir.resolve("acoustic")).toString());
        settings.setProperty("deadletter.dir", Files.createDirectory(dir.resolve("dead-letter")).toString());
        settings.setProperty("cognigy.base-url", "http://127.0.0.1:9");
        settings.setProperty("cognigy.client-id", "c");
        settings.setProperty("cognigy.client-secret", "s");
        settings.setProperty("cognigy.api-key", "k");
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Main main = new Main(Application.class);
        main.setDefaultPropertyPlaceholderLocation(Application.PROPERTY_LOCATIONS);
        Application.configure(main.configure());
        main.configure().addMainListener(holding(hold, held, release));
        main.setOverrideProperties(settings);
        CompletableFuture<Void> start = CompletableFuture.runAsync(() -> {
            try {
                main.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            assertThat(held.await(60, TimeUnit.SECONDS)).as("start-up reached %s", hold).isTrue();
            AtomicReference<HttpResponse<String>> first = new AtomicReference<>();
            // the listener is open by now; a refused connection would only mean it is not yet
            await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> {
                        first.set(post(port, "/webhook/cognigy/barge-in",
                                Files.readString(Path.of("src/test/resources/barge-in-invalid.json"))));
                        return true;
                    });

            assertStarting(first.get());
            assertStarting(post(port, "/webhook", "{}"));
            assertStarting(get(port, "/no-such-path"));
            // Camel's health endpoints on this port answer for themselves: not ready, and why
            HttpResponse<String> ready = get(port, "/observe/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"status\":\"DOWN\"").contains("\"checks\"");

            release.countDown();
            start.get(60, TimeUnit.SECONDS);

            HttpResponse<String> invalid = post(port, "/webhook/cognigy/barge-in",
                    Files.readString(Path.of("src/test/resources/barge-in-invalid.json")));
            assertThat(invalid.statusCode()).isEqualTo(422);
            assertThat(invalid.body()).isEqualTo("{\"error\":\"Invalid payload: confidence must be a number\"}");
            HttpResponse<String> unknown = get(port, "/no-such-path");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.headers().firstValue("Retry-After")).isEmpty();
            assertThat(unknown.body()).isEqualTo("{\"error\":\"Not found\"}");
        } finally {
            release.countDown();
            start.handle((ok, failure) -> null).get(60, TimeUnit.SECONDS);
            main.stop();
        }
    }
}
