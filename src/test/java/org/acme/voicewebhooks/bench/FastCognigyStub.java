package org.acme.voicewebhooks.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A fast Cognigy for the benchmark (WireMock would be the bottleneck): the JDK's HTTP server with keep-alive,
 * fixed JSON answers for the endpoints the service calls, and request counters at GET /stats.
 */
public final class FastCognigyStub {

    private static final byte[] LOGIN = "{\"accessToken\":\"bench-token\",\"expiresIn\":86400}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] STOPPED = "{\"success\":true,\"commandExecuted\":\"stop\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] UPDATED = "{\"updatedVariables\":5}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ACCEPTED = "{\"success\":true}".getBytes(StandardCharsets.UTF_8);

    private FastCognigyStub() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        Map<String, LongAdder> counts = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.setExecutor(Executors.newFixedThreadPool(Integer.parseInt(args.length > 1 ? args[1] : "8")));
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getRawPath();
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            if (path.equals("/stats")) {
                StringBuilder json = new StringBuilder("{");
                counts.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v.sum()));
                answer(exchange, 200, json.append('}').toString().getBytes(StandardCharsets.UTF_8));
                return;
            }
            String kind = path.endsWith("/auth/login") ? "login" : path.endsWith("/voice/commands") ? "abort"
                    : path.endsWith("/variables") ? "reset" : path.endsWith("/messages") ? "clarify" : "other";
            counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
            answer(exchange, kind.equals("other") ? 404 : 200, switch (kind) {
                case "login" -> LOGIN;
                case "abort" -> STOPPED;
                case "reset" -> UPDATED;
                default -> ACCEPTED;
            });
        });
        server.start();
        System.out.println("stub listening on " + port);
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
