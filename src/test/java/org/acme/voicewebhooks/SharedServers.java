package org.acme.voicewebhooks;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;

/**
 * The servers every development and CI machine runs on loopback (PostgreSQL, RabbitMQ). A test that needs one calls
 * {@link #requirePostgres()} or {@link #requireRabbitMq()}: without the server it is skipped on a developer's machine,
 * and fails under CI ({@code CI=true}), where a missing server must never pass unnoticed.
 */
final class SharedServers {

    static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String POSTGRES_USER = System.getenv().getOrDefault("PGUSER", "postgres");
    static final String RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/%2F";

    private SharedServers() {
    }

    static void requirePostgres() {
        try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "")) {
            connection.isValid(2);
        } catch (SQLException e) {
            missing("PostgreSQL at " + POSTGRES_URL + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    static void requireRabbitMq() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 5672), 2000);
        } catch (IOException e) {
            missing("RabbitMQ at 127.0.0.1:5672 (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** A prefix of tables and queues no other run uses: runs never see each other's rows or messages. */
    static String uniquePrefix() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private static void missing(String server) {
        if ("true".equals(System.getenv("CI"))) {
            fail(server + " does not answer; CI must run it (.ci/run starts it)");
        }
        Assumptions.abort(server + " does not answer; start it to run this test");
    }
}
