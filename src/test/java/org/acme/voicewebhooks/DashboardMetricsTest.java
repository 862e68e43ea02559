package org.acme.voicewebhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

/**
 * Every metric the Grafana dashboard and the Prometheus alert rules in deploy/ name is one the running service exposes.
 * The service runs with every shared store configured and down, and with Cognigy and both folders failing on cue, so
 * each counter, the rare ones included, has been incremented (a Micrometer counter appears on its first increment).
 */
class DashboardMetricsTest extends WebhookTestSupport {

    private static final Path DASHBOARD = Path.of("deploy/grafana/cognigy-voice-webhooks.json");
    private static final Path ALERTS = Path.of("deploy/prometheus/alerts.yaml");
    /** Series Prometheus makes itself for every scrape target, never in /observe/metrics. */
    private static final Set<String> MADE_BY_PROMETHEUS = Set.of("up");

    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
    private static final Pattern LABEL_LISTS =
            Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("\\b[a-zA-Z_:][a-zA-Z0-9_:]*\\b(?!\\s*\\()");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "offset", "bool", "atan2");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)");

    /** Where nothing listens: PostgreSQL and RabbitMQ are configured but down. */
    private static final int CLOSED_PORT = freePort();

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        // every store down and a cold JVM on a busy machine: room for each path's answer, not a budget test
        p.setProperty("webhook.budget-ms", "15000");
        p.setProperty("duplicates.store", "postgres");
        p.setProperty("database.url", "jdbc:postgresql://127.0.0.1:" + CLOSED_PORT + "/test");
        p.setProperty("database.user", "postgres");
        p.setProperty("database.connect-timeout-ms", "250");
        p.setProperty("cognigy.rate-limit", "1000/300s");
        p.setProperty("deadletter.store", "rabbitmq");
        p.setProperty("acoustic.store", "rabbitmq");
        p.setProperty("rabbitmq.url", "amqp://guest:guest@127.0.0.1:" + CLOSED_PORT + "/%2F");
        p.setProperty("rabbitmq.connect-timeout-ms", "100");
        p.setProperty("asr.shadow-threshold", "0.6");
        return p;
    }

    @Override
    protected void doPostTearDown() throws Exception {
        deleteTree(acousticDir);
        deleteTree(deadLetterDir);
        super.doPostTearDown();
    }

    @Test
    void everyMetricTheDashboardAndTheAlertsNameIsExposed() throws IOException {
        Set<String> used = new TreeSet<>(dashboardMetrics());
        used.addAll(alertMetrics());
        used.removeAll(MADE_BY_PROMETHEUS);
        // the parsing found the names, so an empty set cannot pass
        assertThat(used).hasSizeGreaterThan(20).contains("webhooks_total", "cognigy_calls_seconds_bucket",
                "webhooks_dead_letters_failed_total", "acoustic_records_lost_total", "camel_routes_running_routes");

        driveEveryPath();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(exposedMetrics(get("/observe/metrics").body())).as("metrics in /observe/metrics")
                        .containsAll(used));
    }

    /** Each webhook outcome, a Cognigy failure, a dead letter the store refuses and a record that cannot be written. */
    private void driveEveryPath() throws IOException {
        cognigy.stubFor(post(urlPathMatching(".*/voice/commands")).willReturn(okJson("{}")));
        cognigy.stubFor(post(urlPathMatching(".*/variables")).willReturn(okJson("{}")));
        cognigy.stubFor(post(urlPathMatching(".*/messages")).willReturn(okJson("{}").withStatus(201)));

        assertThat(postJson("/webhook/cognigy/barge-in", sample("barge-in-confident.json")).statusCode()).isEqualTo(200);
        assertThat(postJson("/webhook/cognigy/barge-in", sample("barge-in-confident.json")).statusCode()).isEqualTo(200);
        assertThat(postJson("/webhook/cognigy/barge-in", sample("barge-in-backchannel.json")).statusCode()).isEqualTo(200);
        assertThat(postJson("/webhook/cognigy/barge-in", sample("barge-in-invalid.json")).statusCode()).isEqualTo(422);
        for (String text : List.of("pay my bill", "pay the bill", "bill")) {
            assertThat(postAsr("sess_loop", 0.3, text).statusCode()).isEqualTo(200);
        }
        assertThat(postAsr("sess_shadow", 0.7, "yes").statusCode()).isEqualTo(200);
        assertThat(postAsr("sess_confident", 0.95, "yes").statusCode()).isEqualTo(200);

        // Cognigy refuses the clarification: retried, then dead-lettered to the file store (RabbitMQ is down)
        cognigy.stubFor(post(urlPathMatching(".*/messages")).willReturn(aResponse().withStatus(503)));
        assertThat(postAsr("sess_dead_letter", 0.3, "hello").statusCode()).isEqualTo(502);
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/observe/metrics").body().contains("acoustic_records_total"));

        // both folders become regular files: the next dead letter is refused (503), the next records are lost
        replaceWithFile(deadLetterDir);
        replaceWithFile(acousticDir);
        assertThat(postAsr("sess_refused", 0.3, "hello").statusCode()).isEqualTo(503);
    }

    private HttpResponse<String> postAsr(String sessionId, double confidence, String text) {
        return send(HttpRequest.newBuilder(url("/webhook")).header("Content-Type", "application/json")
                .header("X-Cognigy-API-Key", ASR_WEBHOOK_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"sessionId\":\"" + sessionId + "\",\"flowId\":\"flow-billing\","
                        + "\"nodeId\":\"node-confirm-amount\",\"asr\":{\"confidence\":" + confidence + ",\"text\":\"" + text + "\"}}")));
    }

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(url(path)).GET());
    }

    /** The names in the dashboard's queries: each panel's expr and each template variable's label_values(). */
    private static Set<String> dashboardMetrics() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Set<String> names = new TreeSet<>();
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panel.path("targets").forEach(target -> exprs.add(target.path("expr").asText()));
        }
        assertThat(exprs).as("queries of %s", DASHBOARD).hasSizeGreaterThan(20).doesNotContain("");
        exprs.forEach(expr -> names.addAll(metricsIn(expr)));
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                Matcher metric = LABEL_VALUES.matcher(variable.path("query").path("query").asText());
                assertThat(metric.find()).as("variable %s is label_values(<metric>...)", variable.path("name")).isTrue();
                names.add(metric.group(1));
            }
        }
        return names;
    }

    /** The names in every alert rule's expr. */
    private static Set<String> alertMetrics() throws IOException {
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(ALERTS.toFile());
        Set<String> names = new TreeSet<>();
        int alerts = 0;
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                assertThat(rule.path("expr").asText()).as("expr of %s", rule.path("alert")).isNotBlank();
                names.addAll(metricsIn(rule.path("expr").asText()));
                alerts++;
            }
        }
        assertThat(alerts).as("rules in %s", ALERTS).isGreaterThan(5);
        return names;
    }

    /**
     * The metric names of a PromQL expression: identifiers left once strings, label matchers, ranges and label lists
     * (by, on, ...) are removed, other than functions (followed by a parenthesis) and keywords.
     */
    private static Set<String> metricsIn(String expr) {
        String bare = QUOTED.matcher(expr).replaceAll("\"\"");
        bare = MATCHERS.matcher(bare).replaceAll(" ");
        bare = RANGES.matcher(bare).replaceAll(" ");
        bare = LABEL_LISTS.matcher(bare).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher identifier = IDENTIFIER.matcher(bare);
        while (identifier.find()) {
            if (!KEYWORDS.contains(identifier.group())) {
                names.add(identifier.group());
            }
        }
        return names;
    }

    /**
     * The sample names of a Prometheus text exposition, as a query must spell them: a histogram's _bucket, _count and
     * _sum, a summary's _count and _sum only, a counter with _total.
     */
    private static Set<String> exposedMetrics(String exposition) {
        Set<String> names = new TreeSet<>();
        exposition.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
                .forEach(line -> names.add(line.split("[{ ]", 2)[0]));
        return names;
    }

    private static void replaceWithFile(Path dir) throws IOException {
        deleteTree(dir);
        Files.createFile(dir);
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
