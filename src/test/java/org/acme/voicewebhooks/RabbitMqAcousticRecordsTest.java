package org.acme.voicewebhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import com.rabbitmq.client.ShutdownSignalException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ACOUSTIC_STORE=rabbitmq: one stream message per record; the files while RabbitMQ is unreachable. */
class RabbitMqAcousticRecordsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECORDS = 5;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String prefix = SharedServers.uniquePrefix();
    /** Record and dead-letter folders of the instances started here: JUnit deletes them after each test. */
    @TempDir
    Path temp;

    private Connection rabbit;

    @AfterEach
    void deleteStream() throws Exception {
        if (rabbit != null) {
            try (Channel channel = rabbit.createChannel()) {
                channel.queueDelete(prefix + ".acoustic-records");
            }
            rabbit.close();
        }
    }

    private Properties settings(String rabbitUrl, Path acousticDir) throws IOException {
        return settings(rabbitUrl, acousticDir, Files.createTempDirectory(temp, "dead-letter-"));
    }

    private Properties settings(String rabbitUrl, Path acousticDir, Path deadLetterDir) {
        Properties p = new Properties();
        p.setProperty("cognigy.base-url", "http://127.0.0.1:9");
        p.setProperty("cognigy.client-id", "c");
        p.setProperty("cognigy.client-secret", "s");
        p.setProperty("cognigy.api-key", "k");
        p.setProperty("acoustic.dir", acousticDir.toString());
        p.setProperty("deadletter.dir", deadLetterDir.toString());
        p.setProperty("shared.prefix", prefix);
        p.setProperty("acoustic.store", "rabbitmq");
        p.setProperty("rabbitmq.url", rabbitUrl);
        return p;
    }

    /** High-confidence ASR deliveries: no Cognigy command, one record each. */
    private void deliver(ServiceInstance instance, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            String body = "{\"sessionId\":\"s-" + i + "\",\"flowId\":\"f\",\"asr\":{\"confidence\":0.9,\"text\":\"hello\"},"
                    + "\"audio\":{\"durationMs\":900,\"sampleRate\":16000,\"features\":\"AAEC\"}}";
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(instance.url("/webhook")))
                    .header("X-Cognigy-API-Key", "k").timeout(Duration.ofSeconds(15))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void eachRecordIsOneMessageInTheStream() throws Exception {
        SharedServers.requireRabbitMq();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(SharedServers.RABBITMQ_URL);
        rabbit = factory.newConnection();
        Path acousticDir = Files.createTempDirectory(temp, "acoustic-");
        try (ServiceInstance instance = ServiceInstance.start(settings(SharedServers.RABBITMQ_URL, acousticDir))) {
            deliver(instance, RECORDS);

            List<String> messages = new CopyOnWriteArrayList<>();
            Channel channel = rabbit.createChannel();
            channel.basicQos(100);   // a stream is read with manual acknowledgement and a prefetch
            DeliverCallback collect = (tag, delivery) -> {
                messages.add(new String(delivery.getBody(), StandardCharsets.UTF_8));
                channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
            };
            channel.basicConsume(prefix + ".acoustic-records", false, Map.of("x-stream-offset", "first"), collect, tag -> { });

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(messages).hasSize(RECORDS));
            List<String> sessions = new ArrayList<>();
            for (String message : messages) {
                sessions.add(JSON.readTree(message).get("sessionId").asText());
            }
            assertThat(sessions).containsExactlyInAnyOrder("s-0", "s-1", "s-2", "s-3", "s-4");
            assertThat(recordLines(acousticDir)).isEmpty();
            channel.close();
        }
    }

    @Test
    void withRabbitMqUnreachableRecordsSpillToTheFiles() throws Exception {
        String closedPort = "amqp://guest:guest@127.0.0.1:" + WebhookTestSupport.freePort() + "/%2F";
        Path acousticDir = Files.createTempDirectory(temp, "acoustic-");
        try (LogCapture log = LogCapture.open(); ServiceInstance instance = ServiceInstance.start(settings(closedPort, acousticDir))) {
            deliver(instance, RECORDS);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(recordLines(acousticDir)).hasSize(RECORDS));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(http.send(HttpRequest.newBuilder(
                    URI.create(instance.url("/observe/metrics"))).build(), HttpResponse.BodyHandlers.ofString()).body())
                    .contains("acoustic_records_spilled_total " + RECORDS + ".0"));
            assertThat(log.lines()).filteredOn(line -> line.contains("does not take acoustic records")).hasSize(1);
        }
    }

    /** A declaration of the stream with these arguments; the broker's refusal text when it has others. */
    private String redeclared(Map<String, Object> arguments) throws IOException {
        Channel channel = rabbit.createChannel();
        try {
            channel.queueDeclare(prefix + ".acoustic-records", true, false, false, arguments);
            channel.close();
            return "declared";
        } catch (IOException e) {
            return ((ShutdownSignalException) e.getCause()).getReason() instanceof AMQP.Channel.Close close
                    ? close.getReplyText() : e.toString();
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }

    private HttpResponse<String> erase(ServiceInstance instance, String sessionId) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(instance.url("/admin/acoustic-records?sessionId=" + sessionId)))
                .header("X-Admin-Key", "admin-key").DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aNewStreamIsDeclaredWithTheRetentionOfTheSettingAndAnErasureSaysItIsNotErased(@TempDir Path folder) throws Exception {
        SharedServers.requireRabbitMq();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(SharedServers.RABBITMQ_URL);
        rabbit = factory.newConnection();
        Properties settings = settings(SharedServers.RABBITMQ_URL, folder.resolve("acoustic"), folder.resolve("dead-letter"));
        settings.setProperty("acoustic.stream-max-age", "7D");
        settings.setProperty("admin.api-key", "admin-key");
        try (ServiceInstance instance = ServiceInstance.start(settings)) {
            deliver(instance, 1);

            // the broker refuses a declaration with other arguments, and names those the stream has
            assertThat(redeclared(Map.of("x-queue-type", "stream", "x-max-age", "7D"))).isEqualTo("declared");
            assertThat(redeclared(Map.of("x-queue-type", "stream"))).contains("PRECONDITION_FAILED")
                    .contains("'x-max-age'").contains("current is the value '7D'");
            HttpResponse<String> erased = erase(instance, "s-0");
            assertThat(erased.statusCode()).isEqualTo(200);
            assertThat(erased.body()).isEqualTo("{\"sessionId\":\"s-0\",\"removed\":0,\"stream\":\"" + prefix
                    + ".acoustic-records\",\"streamErased\":false}");
        }
    }

    @Test
    void aStreamMadeBeforeWithOtherArgumentsTakesTheRecordsAndTheMismatchIsLoggedOnce(@TempDir Path folder) throws Exception {
        SharedServers.requireRabbitMq();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(SharedServers.RABBITMQ_URL);
        rabbit = factory.newConnection();
        assertThat(redeclared(Map.of("x-queue-type", "stream"))).isEqualTo("declared");
        Properties settings = settings(SharedServers.RABBITMQ_URL, folder.resolve("acoustic"), folder.resolve("dead-letter"));
        settings.setProperty("acoustic.stream-max-age", "7D");
        try (LogCapture log = LogCapture.open(); ServiceInstance instance = ServiceInstance.start(settings)) {
            deliver(instance, 2);

            List<String> messages = new CopyOnWriteArrayList<>();
            Channel channel = rabbit.createChannel();
            channel.basicQos(100);
            channel.basicConsume(prefix + ".acoustic-records", false, Map.of("x-stream-offset", "first"), (tag, delivery) -> {
                messages.add(new String(delivery.getBody(), StandardCharsets.UTF_8));
                channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
            }, tag -> { });
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(messages).hasSize(2));
            channel.close();
            assertThat(recordLines(folder.resolve("acoustic"))).isEmpty();
            assertThat(log.lines()).filteredOn(line -> line.contains("RabbitMQ stream " + prefix + ".acoustic-records was made before"))
                    .singleElement().asString().contains("acoustic.stream-max-age=7D", "policy", "x-max-age");
            assertThat(log.lines()).noneMatch(line -> line.contains("does not take acoustic records"));
        }
    }

    private static List<String> recordLines(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("acoustic-")).toList()) {
                lines.addAll(Files.readAllLines(file));
            }
        }
        return lines;
    }
}
