package org.acme.voicewebhooks.dev;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives every webhook path of a service started with the dev profile, for the AOT training run that builds the
 * container's start-up cache (JDK 25): {@code java -cp app.jar org.acme.voicewebhooks.dev.AotTraining <port> <seconds>}.
 */
public final class AotTraining {

    private static final String[] BODIES = {
        // confident and low-confidence barge-ins, low- and high-confidence utterances: every command and answer path
        "{\"sessionId\":\"train-%d\",\"event\":\"barge_in\",\"confidence\":0.9,\"transcript\":\"wait\",\"timestamp\":%d}",
        "{\"sessionId\":\"train-%d\",\"event\":\"barge_in\",\"confidence\":0.4,\"transcript\":\"wait\",\"timestamp\":%d}",
        "{\"sessionId\":\"train-%d\",\"flowId\":\"f\",\"nodeId\":\"n\",\"asr\":{\"confidence\":0.3,\"text\":\"pay %d\"},"
                + "\"audio\":{\"durationMs\":900,\"sampleRate\":8000,\"features\":\"AAEC\"}}",
        "{\"sessionId\":\"train-%d\",\"flowId\":\"f\",\"nodeId\":\"n\",\"asr\":{\"confidence\":0.95,\"text\":\"pay %d\"},"
                + "\"audio\":{\"durationMs\":900,\"sampleRate\":8000,\"features\":\"AAEC\"}}"};

    private AotTraining() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long seconds = Long.parseLong(args[1]);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create("http://127.0.0.1:" + port + "/observe/health/ready");
        long readyBy = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!isReady(http, ready)) {
            if (System.nanoTime() > readyBy) {
                throw new IllegalStateException("the service did not get ready on port " + port);
            }
            Thread.sleep(100);   // a plain poll: this tool runs once, at image build time
        }
        long until = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        AtomicLong ids = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        ExecutorService workers = Executors.newFixedThreadPool(8);
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            running.add(workers.submit(() -> {
                while (System.nanoTime() < until) {
                    long id = ids.incrementAndGet();
                    int kind = (int) (id % BODIES.length);
                    String path = kind < 2 ? "/webhook/cognigy/barge-in" : "/webhook";
                    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .header("Content-Type", "application/json").header("X-Cognigy-API-Key", "dev-api-key")
                            .POST(HttpRequest.BodyPublishers.ofString(BODIES[kind].formatted(id, id))).build();
                    if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        answered.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : running) {
            worker.get();
        }
        workers.shutdown();
        System.out.println("AOT training: " + answered.get() + " of " + ids.get() + " webhooks answered 200");
        if (answered.get() == 0) {
            throw new IllegalStateException("no webhook answered 200: the training trained nothing");
        }
    }

    private static boolean isReady(HttpClient http, URI ready) {
        try {
            return http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception notYet) {
            return false;
        }
    }
}
